#!/usr/bin/env bash
# Requests per second under gunicorn (production settings, 2 workers) measured with wrk, on
# 127.0.0.1 only. See docs/performance.md.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/rmp_scale tests/perf/throughput.sh
#   (DURATION=30s CONNECTIONS=16 THREADS=2 PORT=8765; needs wrk: apt-get install -y wrk)
set -euo pipefail
cd "$(dirname "$0")/../.."

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/rmp_scale}"
export DJANGO_SETTINGS_MODULE=rmp_portal.settings.production
export SECRET_KEY="${SECRET_KEY:-throughput-only-$(date +%s)-not-a-real-secret-0123456789}"
export SECURE_SSL_REDIRECT=false ALLOWED_HOSTS=127.0.0.1 LOG_LEVEL=ERROR
PORT="${PORT:-8765}" DURATION="${DURATION:-30s}"
CONNECTIONS="${CONNECTIONS:-16}" THREADS="${THREADS:-2}"
BASE="http://127.0.0.1:${PORT}"

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
STATIC_ROOT="$(mktemp -d)"
export STATIC_ROOT
.venv/bin/python manage.py collectstatic --noinput -v0

# Sessions, stored in the database the workers read: a programme-wide manager, and a field
# officer of the largest district (whose dashboards carry no data-quality badge, so the
# dashboard's own throughput shows). And that district, for the filtered lists.
read -r MANAGER OFFICER DISTRICT <<<"$(.venv/bin/python - <<'PYTHON'
import django

django.setup()
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.test import Client

from groups.models import District
from rmp_portal.models import StaffProfile

district = District.objects.annotate(n=Count("groups")).order_by("-n").first()
users = get_user_model().objects
manager, _ = users.get_or_create(username="bench-manager")
StaffProfile.objects.get_or_create(
    user=manager, defaults={"role": StaffProfile.Role.MANAGER, "programme_wide": True}
)
officer, created = users.get_or_create(username="bench-officer")
if created:
    profile = StaffProfile.objects.create(user=officer, role=StaffProfile.Role.FIELD_OFFICER)
    profile.districts.set([district])
sessions = []
for user in (manager, officer):
    client = Client()
    client.force_login(user)
    sessions.append(client.cookies["sessionid"].value)
print(*sessions, district.pk)
PYTHON
)"

.venv/bin/gunicorn rmp_portal.wsgi --workers 2 --bind "127.0.0.1:${PORT}" --log-level warning &
GUNICORN=$!
trap 'kill "$GUNICORN" 2>/dev/null; wait "$GUNICORN" 2>/dev/null; rm -rf "$STATIC_ROOT"' EXIT
for _ in $(seq 50); do curl -fs "${BASE}/healthz" >/dev/null && break; sleep 0.2; done

RUNS=(
  "manager /provinces/SU/"
  "manager /members/?district=${DISTRICT}&sex=M"
  "manager /groups/?district=${DISTRICT}&status=active"
  "manager /healthz"
  "officer /provinces/SU/"
)
echo "| signed in as | page | requests/s | latency avg | latency max | non-2xx | socket errors |"
echo "|---|---|--:|--:|--:|--:|--:|"
for run in "${RUNS[@]}"; do
  read -r who url <<<"$run"
  if [ "$who" = manager ]; then session="$MANAGER"; else session="$OFFICER"; fi
  # Every worker answers 200 (not a redirect to sign-in) and has warmed its caches.
  for _ in 1 2 3 4; do
    code="$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: sessionid=${session}" "${BASE}${url}")"
    [ "$code" = 200 ] || { echo "${url}: HTTP ${code}" >&2; exit 1; }
  done
  out="$(wrk -t"${THREADS}" -c"${CONNECTIONS}" -d"${DURATION}" --timeout 10s \
    -H "Cookie: sessionid=${session}" "${BASE}${url}")"
  rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
  avg="$(awk '/Latency/ {print $2}' <<<"$out")"
  max="$(awk '/Latency/ {print $4}' <<<"$out")"
  non2xx="$(awk '/Non-2xx/ {print $NF}' <<<"$out")"
  socket="$(awk -F'Socket errors: ' '/Socket errors/ {print $2}' <<<"$out")"
  echo "| ${who} | \`${url}\` | ${rps} | ${avg} | ${max} | ${non2xx:-0} | ${socket:-none} |"
done
