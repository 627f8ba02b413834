"""Forms of the support organisation's pages. The services check every value; the forms
only carry them (and the CSRF token)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField
from wtforms.fields.choices import SelectChoice


class OrganisationForm(FlaskForm):
    code = StringField(_l("Code (2-8 letters, starts the ticket numbers)"))
    name = StringField(_l("Name"))
    autosync = BooleanField(_l("Schools, people and groups come from the nightly sync (autosync)"), default=True)
    vendor = StringField(_l("Vendor of the school platform"))
    support_email = EmailField(_l("The central team's shared e-mail address"))


class InviteForm(FlaskForm):
    email = EmailField(_l("E-mail address of the central administrator"))


class VendorAgentForm(FlaskForm):
    vendor = SelectField(_l("Vendor"), coerce=int, validate_choice=False)
    email = EmailField(_l("E-mail address of the agent"))
    name = StringField(_l("Name shown to teachers and guardians"))


class AppointForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[
        SelectChoice("local_admin", _l("Local administrator (a school's support contact)")),
        SelectChoice("central_admin", _l("Central administrator")),
        SelectChoice("group_admin", _l("Group administrator")),
    ], validate_choice=False)
    email = EmailField(_l("E-mail address of the person in the directory"))
    school_id = SelectField(_l("School (for a local administrator)"), coerce=str, validate_choice=False)
    group_id = SelectField(_l("Group (for a group administrator)"), coerce=str, validate_choice=False)


class SupportAddressForm(FlaskForm):
    support_email = EmailField(_l("The central team's shared e-mail address"))


class SchoolForm(FlaskForm):
    name = StringField(_l("Name of the school"))
    kind = SelectField(_l("Kind of school"), choices=[
        SelectChoice("compulsory", _l("Compulsory school")),
        SelectChoice("preschool", _l("Preschool")),
        SelectChoice("upper_secondary", _l("Upper secondary school")),
    ], validate_choice=False)
    school_unit_code = StringField(_l("School unit code (8 digits, optional)"))
