"""The DHIS2 export has no page of its own: it is sent from Django admin (rmp_portal/dhis2/
admin.py) or the `dhis2_export` command. This module is where a view would go; the import
contracts name it ("only rmp_portal.dhis2 imports rmp_portal.dhis2.views")."""
