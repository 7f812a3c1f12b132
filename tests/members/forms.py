"""What the member forms post: a new member of a group, and an edit of a member as loaded."""


def form_data(group=None, **overrides) -> dict:
    """The add-member form filled in for Karimova Zebo (with the group's code if given)."""
    data = {
        "surname": "Karimova",
        "given_name": "Zebo",
        "patronymic": "",
        "sex": "F",
        "birth_year": "1985",
        "phone": "",
        "role": "member",
        "joined_on": "2020-02-01",
        "migration_link": "migrant_family",
        "skills": "sewing",
    }
    if group is not None:
        data["group"] = group.code
    return data | overrides


def edit_data(member, **overrides) -> dict:
    """The edit form as loaded for `member` (its version included), with `overrides`."""
    return {
        "surname": member.surname,
        "given_name": member.given_name,
        "patronymic": member.patronymic,
        "sex": member.sex,
        "birth_year": str(member.birth_year or ""),
        "phone": member.phone,
        "role": member.role,
        "joined_on": member.joined_on.isoformat(),
        "migration_link": member.migration_link,
        "skills": member.skills,
        "version": member.updated_at.isoformat(),
    } | overrides
