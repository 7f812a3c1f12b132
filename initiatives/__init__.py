"""Joint economic initiatives of groups and cooperatives, and the support the programme
delivered to them.

Why a separate app, when the design card's layout lists only groups/, members/ and
cooperatives/: these records point at all three (an initiative is owned by a group or a
cooperative and its participants are members; support goes to groups or a cooperative), so
they belong to none of them. Keeping them in their own app keeps their models, migrations and
pages out of the apps other work is changing, and lets the dependency run one way only
(initiatives imports groups, members and cooperatives; none of them imports initiatives,
except for the one-line hooks that show a group's or cooperative's initiatives on its page).
"""
