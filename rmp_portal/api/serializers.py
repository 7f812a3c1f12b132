"""What each resource's rows hold. Codes and ids, not labels: partners map the codes
themselves (docs/api.md lists them). Personal data (phone, birth year, patronymic) is null
in rows where the caller may not see it, decided by rmp_portal.core.access as on the pages."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cooperatives.models import Cooperative
from groups.models import District, SelfHelpGroup
from initiatives.models import JointInitiative, SupportActivity
from members.models import Member
from rmp_portal.core.access import PERSONAL_FIELDS, scope_for

UPDATED_HELP = _("When the record last changed (ISO 8601): the paging and sync key.")
CREATED_HELP = _("When the record was created (ISO 8601).")


class DistrictSerializer(serializers.ModelSerializer):
    province = serializers.CharField(
        source="province.code", help_text=_("The province's code, e.g. SU.")
    )
    code = serializers.CharField(
        allow_null=True, help_text=_("The district's code, e.g. SU-DEV; null until given.")
    )

    class Meta:
        model = District
        fields = ["id", "code", "name", "name_ru", "name_tg", "kind", "province", "former_names"]
        extra_kwargs = {
            "id": {"help_text": _("The district's id, as the records' `district` fields give.")},
            "name": {"help_text": _("The district's name in English.")},
            "name_ru": {"help_text": _("The district's name in Russian (may be empty).")},
            "name_tg": {"help_text": _("The district's name in Tajik (may be empty).")},
            "kind": {"help_text": _("“district” or “city”.")},
            "former_names": {"help_text": _("Earlier names, separated by semicolons.")},
        }


class GroupSerializer(serializers.ModelSerializer):
    district_code = serializers.CharField(
        source="district.code", allow_null=True, help_text=_("The district's code, e.g. SU-DEV.")
    )
    province = serializers.CharField(
        source="district.province.code", help_text=_("The province's code, e.g. SU.")
    )
    activities = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text=_("Ids of the group's activity types.")
    )
    current_women = serializers.IntegerField(
        read_only=True, help_text=_("Current women members (on `as_of` if given).")
    )
    current_men = serializers.IntegerField(
        read_only=True, help_text=_("Current men members (on `as_of` if given).")
    )
    leader = serializers.IntegerField(
        source="leader_id",
        read_only=True,
        allow_null=True,
        help_text=_("The member id of the current leader; null without one."),
    )
    cooperative = serializers.IntegerField(
        source="cooperative_id",
        read_only=True,
        allow_null=True,
        help_text=_("The id of the cooperative the group is in; null if none."),
    )

    class Meta:
        model = SelfHelpGroup
        fields = [
            "id",
            "code",
            "name",
            "district",
            "district_code",
            "province",
            "jamoat",
            "village",
            "established_on",
            "dissolved_on",
            "status",
            "activities",
            "current_women",
            "current_men",
            "leader",
            "cooperative",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "id": {"help_text": _("The group's id.")},
            "code": {"help_text": _("The registry code, e.g. SU-0042.")},
            "name": {"help_text": _("The group's name.")},
            "district": {"help_text": _("The district's id (/api/v1/districts/).")},
            "jamoat": {"help_text": _("The jamoat's id; null if not given.")},
            "village": {"help_text": _("The village.")},
            "established_on": {"help_text": _("The date the group was established.")},
            "dissolved_on": {"help_text": _("The date the group was dissolved; null if not.")},
            "status": {"help_text": _("active, inactive or dissolved.")},
            "created_at": {"help_text": CREATED_HELP},
            "updated_at": {"help_text": UPDATED_HELP},
        }


class MemberSerializer(serializers.ModelSerializer):
    group_code = serializers.CharField(
        source="group.code", help_text=_("The group's registry code.")
    )
    district = serializers.IntegerField(
        source="group.district_id", help_text=_("The group's district id.")
    )
    patronymic = serializers.CharField(
        allow_null=True,
        help_text=_("Personal data: null outside the districts where you may see it."),
    )
    birth_year = serializers.IntegerField(
        allow_null=True,
        help_text=_("Personal data: null outside the districts where you may see it."),
    )
    phone = serializers.CharField(
        allow_null=True,
        help_text=_("Personal data (E.164): null outside the districts where you may see it."),
    )

    class Meta:
        model = Member
        fields = [
            "id",
            "group",
            "group_code",
            "district",
            "surname",
            "given_name",
            "patronymic",
            "sex",
            "birth_year",
            "phone",
            "role",
            "joined_on",
            "left_on",
            "head_of_household",
            "migration_link",
            "skills",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "id": {"help_text": _("The membership's id (a person's membership of one group).")},
            "group": {"help_text": _("The group's id.")},
            "surname": {"help_text": _("The surname.")},
            "given_name": {"help_text": _("The given name.")},
            "sex": {"help_text": _("F or M.")},
            "role": {"help_text": _("The role in the group.")},
            "joined_on": {"help_text": _("The date the member joined.")},
            "left_on": {"help_text": _("The date the member left; null while a member.")},
            "head_of_household": {"help_text": _("Whether the member heads the household.")},
            "migration_link": {"help_text": _("The member's link to migration.")},
            "skills": {"help_text": _("Skills and professional interests.")},
            "created_at": {"help_text": CREATED_HELP},
            "updated_at": {"help_text": UPDATED_HELP},
        }

    def to_representation(self, instance):
        row = super().to_representation(instance)
        if not scope_for(self.context["request"].user).may_see_personal_data(
            instance.group.district_id
        ):
            for name in PERSONAL_FIELDS:
                row[name] = None
        return row


class CooperativeSerializer(serializers.ModelSerializer):
    branches = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text=_("Ids of the business branches (activity types).")
    )
    current_groups = serializers.IntegerField(
        read_only=True, help_text=_("Current member groups (on `as_of` if given).")
    )
    current_women = serializers.IntegerField(
        read_only=True, help_text=_("Women in the current member groups.")
    )
    current_men = serializers.IntegerField(
        read_only=True, help_text=_("Men in the current member groups.")
    )

    class Meta:
        model = Cooperative
        fields = [
            "id",
            "name",
            "registration_number",
            "district",
            "formed_on",
            "dissolved_on",
            "status",
            "branches",
            "director",
            "current_groups",
            "current_women",
            "current_men",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "id": {"help_text": _("The cooperative's id.")},
            "name": {"help_text": _("The cooperative's name.")},
            "registration_number": {"help_text": _("The registration number (may be empty).")},
            "district": {"help_text": _("The home district's id.")},
            "formed_on": {"help_text": _("The date the cooperative was formed.")},
            "dissolved_on": {"help_text": _("The date it was dissolved; null if not.")},
            "status": {"help_text": _("forming, registered or dissolved.")},
            "director": {"help_text": _("The director's member id; null if none.")},
            "created_at": {"help_text": CREATED_HELP},
            "updated_at": {"help_text": UPDATED_HELP},
        }


class InitiativeSerializer(serializers.ModelSerializer):
    status_shown = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text=_("The status on `as_of` if given (null before it started), else today's."),
    )
    district = serializers.IntegerField(
        source="owner_district", read_only=True, help_text=_("The owner's district id.")
    )
    participant_count = serializers.IntegerField(
        read_only=True, help_text=_("The number of participating members.")
    )

    class Meta:
        model = JointInitiative
        fields = [
            "id",
            "title",
            "group",
            "cooperative",
            "district",
            "activity_type",
            "started_on",
            "status",
            "status_shown",
            "products",
            "participant_count",
            "grant_amount",
            "grant_donor",
            "grant_date",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "id": {"help_text": _("The initiative's id.")},
            "title": {"help_text": _("The initiative's title.")},
            "group": {"help_text": _("The owner group's id; null if a cooperative owns it.")},
            "cooperative": {"help_text": _("The owner cooperative's id; null if a group owns it.")},
            "activity_type": {"help_text": _("The activity type's id.")},
            "started_on": {"help_text": _("The date the initiative started.")},
            "status": {"help_text": _("Today's status.")},
            "products": {"help_text": _("Its products.")},
            "grant_amount": {"help_text": _("The grant in TJS, as a decimal string; null.")},
            "grant_donor": {"help_text": _("The grant's donor (may be empty).")},
            "grant_date": {"help_text": _("The date the grant was received; null if none.")},
            "created_at": {"help_text": CREATED_HELP},
            "updated_at": {"help_text": UPDATED_HELP},
        }


class SupportSerializer(serializers.ModelSerializer):
    groups = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text=_("Ids of the recipient groups.")
    )

    class Meta:
        model = SupportActivity
        fields = [
            "id",
            "held_on",
            "kind",
            "topic",
            "delivered_by",
            "partner_name",
            "recipient",
            "groups",
            "cooperative",
            "women",
            "men",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "id": {"help_text": _("The support activity's id.")},
            "held_on": {"help_text": _("The date it was held.")},
            "kind": {"help_text": _("The kind of support.")},
            "topic": {"help_text": _("The topic's id.")},
            "delivered_by": {"help_text": _("Who delivered it.")},
            "partner_name": {"help_text": _("The partner NGO's name (may be empty).")},
            "recipient": {"help_text": _("groups or cooperative.")},
            "cooperative": {"help_text": _("The recipient cooperative's id; null for groups.")},
            "women": {"help_text": _("Women participants.")},
            "men": {"help_text": _("Men participants.")},
            "created_at": {"help_text": CREATED_HELP},
            "updated_at": {"help_text": UPDATED_HELP},
        }


class TombstoneSerializer(serializers.Serializer):
    resource = serializers.CharField(help_text=_("The resource, e.g. members."))
    id = serializers.IntegerField(help_text=_("The record's id."))
    removed_at = serializers.DateTimeField(
        help_text=_("When it was deleted, or last changed before it left your scope.")
    )
    reason = serializers.ChoiceField(
        choices=[("deleted", "deleted"), ("out_of_scope", "out_of_scope")],
        help_text=_("deleted, or out_of_scope: it still exists but you may no longer read it."),
    )


class FigureSerializer(serializers.Serializer):
    groups = serializers.IntegerField(help_text=_("Groups existing on the reporting date."))
    inactive = serializers.IntegerField(help_text=_("Of those, inactive groups."))
    with_men = serializers.IntegerField(help_text=_("Groups with a current man member."))
    with_leader = serializers.IntegerField(help_text=_("Groups with a current leader."))
    without_leader = serializers.IntegerField(help_text=_("Groups without a current leader."))
    in_cooperative = serializers.IntegerField(help_text=_("Groups in a cooperative."))
    new_groups = serializers.IntegerField(help_text=_("Groups established in the period."))
    women = serializers.IntegerField(help_text=_("Current women members."))
    men = serializers.IntegerField(help_text=_("Current men members."))
    members = serializers.IntegerField(help_text=_("Current members."))
    joined = serializers.IntegerField(help_text=_("Members who joined in the period."))
    left = serializers.IntegerField(help_text=_("Members who left in the period."))
    cooperatives = serializers.IntegerField(help_text=_("Cooperatives existing on the date."))
    forming = serializers.IntegerField(help_text=_("Of those, forming."))
    registered = serializers.IntegerField(help_text=_("Of those, registered."))
    dissolved_since = serializers.IntegerField(
        help_text=_("Cooperatives existing on the date, dissolved since.")
    )


class AreaFiguresSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("The province's or district's id."))
    code = serializers.CharField(
        allow_null=True, help_text=_("The province's or district's code; null if none.")
    )
    name = serializers.CharField(help_text=_("The name in English."))
    figures = FigureSerializer(help_text=_("The area's figures."))


class DashboardSerializer(serializers.Serializer):
    as_of = serializers.DateField(help_text=_("The reporting date."))
    period_start = serializers.DateField(help_text=_("The period's first day."))
    period_end = serializers.DateField(help_text=_("The period's last day."))
    province = serializers.CharField(
        allow_null=True, help_text=_("The province's code; null for the programme.")
    )
    figures = FigureSerializer(help_text=_("The totals."))
    areas = AreaFiguresSerializer(
        many=True, help_text=_("One row per province (programme) or district (province).")
    )


class ErrorSerializer(serializers.Serializer):
    status = serializers.IntegerField(help_text=_("The HTTP status."))
    code = serializers.CharField(help_text=_("A stable code, e.g. not_authenticated."))
    detail = serializers.CharField(help_text=_("The message, in the request's language."))
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("The parameters' own errors (400 only)."),
    )
