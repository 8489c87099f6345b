from cchc.organizations.models import Role
from cchc.organizations.selectors import membership_of


def current_membership(request):
    membership = membership_of(request.user)
    return {
        "membership": membership,
        "is_reform_office": membership is not None and membership.role == Role.REFORM_OFFICE,
    }
