"""REST API for programs (counterpart relations) and pairings."""

from ninja import ModelSchema, Router

from duikou.core import permissions as perms
from duikou.core.api_auth import API_AUTH
from duikou.core.rest import add_action, crud_router

from .filters import PAIRING_FILTERS, PROGRAM_FILTERS
from .models import Pairing, Program
from .services import publish_program

PROGRAM_FIELDS = [
    "name",
    "kind",
    "office",
    "start_year",
    "end_year",
    "reporting_period",
    "is_public",
    "description",
]
PAIRING_FIELDS = [
    "program",
    "plan",
    "donor",
    "recipient",
    "donor_printed",
    "recipient_printed",
    "level",
    "start_date",
    "end_date",
    "order",
]


class ProgramRead(ModelSchema):
    # green | yellow | red | done: the worst light of its tasks (supervision), when that app is installed.
    light: str | None = None

    class Meta:
        model = Program
        fields = ["id", *PROGRAM_FIELDS, "donors", "recipients", "created_at", "updated_at"]


class ProgramCreate(ModelSchema):
    class Meta:
        model = Program
        fields = PROGRAM_FIELDS


class ProgramUpdate(ModelSchema):
    class Meta:
        model = Program
        fields = PROGRAM_FIELDS
        fields_optional = "__all__"


class PairingRead(ModelSchema):
    class Meta:
        model = Pairing
        fields = ["id", *PAIRING_FIELDS, "created_at", "updated_at"]


class PairingCreate(ModelSchema):
    class Meta:
        model = Pairing
        fields = PAIRING_FIELDS


class PairingUpdate(ModelSchema):
    class Meta:
        model = Pairing
        fields = PAIRING_FIELDS
        fields_optional = "__all__"


router = Router(auth=API_AUTH)
router.add_router(
    "/pairings/",
    crud_router(
        Pairing,
        name="pairing",
        read=PairingRead,
        filters=PAIRING_FILTERS,
        create=PairingCreate,
        update=PairingUpdate,
        fields=PAIRING_FIELDS,
    ),
)
crud_router(
    Program,
    name="program",
    read=ProgramRead,
    filters=PROGRAM_FILTERS,
    create=ProgramCreate,
    update=ProgramUpdate,
    fields=PROGRAM_FIELDS,
    router=router,
)
add_action(
    router,
    Program,
    name="program",
    path="publish",
    response=ProgramRead,
    action=perms.CHANGE,
    do=lambda user, program, _body: publish_program(program=program, user=user),
)
add_action(
    router,
    Program,
    name="program",
    path="unpublish",
    response=ProgramRead,
    action=perms.CHANGE,
    do=lambda user, program, _body: publish_program(program=program, user=user, public=False),
)
