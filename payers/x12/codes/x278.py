"""Code tables of the 278 services review (005010X217), each code with its description."""

from __future__ import annotations

from payers.x12.codes.table import DescribedCode


class ActionCode(DescribedCode):
    """HCR01: the reviewer's decision."""

    CERTIFIED_IN_TOTAL = "A1", "Certified in total"
    CERTIFIED_PARTIAL = "A2", "Certified - partial"
    NOT_CERTIFIED = "A3", "Not certified"
    PENDED = "A4", "Pended"
    MODIFIED = "A6", "Modified"
    CANCELLED = "C", "Cancelled"
    CONTACT_PAYER = "CT", "Contact payer"
    NO_ACTION_REQUIRED = "NA", "No action required"

    @property
    def approves(self) -> bool:
        """Whether the decision grants something that visits can count against."""
        return self in (ActionCode.CERTIFIED_IN_TOTAL, ActionCode.CERTIFIED_PARTIAL,
                        ActionCode.MODIFIED)


class RequestCategory(DescribedCode):
    """UM01: what kind of review is asked for."""

    ADMISSION_REVIEW = "AR", "Admission review"
    HEALTH_SERVICES_REVIEW = "HS", "Health services review"
    SPECIALTY_CARE_REVIEW = "SC", "Specialty care review"


class CertificationType(DescribedCode):
    """UM02: initial request, or what happens to an earlier one."""

    INITIAL = "I", "Initial"
    APPEAL_IMMEDIATE = "1", "Appeal - immediate"
    APPEAL_STANDARD = "2", "Appeal - standard"
    CANCEL = "3", "Cancel"
    EXTENSION = "4", "Extension"
    REVISED = "S", "Revised"


class QuantityQualifier(DescribedCode):
    """HSD01: what an approved or requested quantity counts."""

    DAYS = "DY", "Days"
    UNITS = "FL", "Units"
    HOURS = "HS", "Hours"
    MONTHS = "MN", "Months"
    VISITS = "VS", "Visits"


class UnitBasis(DescribedCode):
    """SV103: the unit of a professional service line's count."""

    MINUTES = "MJ", "Minutes"
    UNITS = "UN", "Units"


class DateQualifier(DescribedCode):
    """DTP01 in loops 2000E/2000F of a 278."""

    CERTIFICATION_EFFECTIVE = "007", "Certification effective date"
    CERTIFICATION_EXPIRATION = "036", "Certification expiration date"
    DISCHARGE = "096", "Discharge"
    CERTIFICATION_ISSUE = "102", "Certification issue date"
    ONSET = "431", "Onset of current symptoms or illness"
    ADMISSION = "435", "Admission"
    ACCIDENT = "439", "Accident"
    SERVICE = "472", "Service"
    LAST_MENSTRUAL_PERIOD = "484", "Last menstrual period"
    EVENT = "AAH", "Event"
    ESTIMATED_BIRTH = "ABC", "Estimated date of birth"


class ReferenceQualifier(DescribedCode):
    """REF01 in a 278 response's review levels."""

    PREVIOUS_AUTHORIZATION = "BB", "Previous review authorization number"
    ADMINISTRATIVE_REFERENCE = "NT", "Administrator's reference number"
