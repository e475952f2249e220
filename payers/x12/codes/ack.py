"""Code tables of the 999 (005010X231A1), 997 and TA1 acknowledgments, with descriptions."""

from __future__ import annotations

from payers.x12.codes.table import DescribedCode


class TransactionStatus(DescribedCode):
    """IK501 (999) / AK501 (997): the verdict on one transaction set."""

    ACCEPTED = "A", "Accepted"
    ACCEPTED_WITH_ERRORS = "E", "Accepted but errors were noted"
    REJECTED_MAC_FAILED = "M", "Rejected, message authentication code (MAC) failed"
    REJECTED = "R", "Rejected"
    REJECTED_VALIDITY = "W", "Rejected, assurance failed validity tests"
    REJECTED_DECRYPTION = "X", "Rejected, content after decryption could not be analyzed"


class GroupStatus(DescribedCode):
    """AK901: the verdict on the whole functional group."""

    ACCEPTED = "A", "Accepted"
    ACCEPTED_WITH_ERRORS = "E", "Accepted, but errors were noted"
    REJECTED_MAC_FAILED = "M", "Rejected, message authentication code (MAC) failed"
    PARTIALLY_ACCEPTED = "P", "Partially accepted, at least one transaction set was rejected"
    REJECTED = "R", "Rejected"
    REJECTED_VALIDITY = "W", "Rejected, assurance failed validity tests"
    REJECTED_DECRYPTION = "X", "Rejected, content after decryption could not be analyzed"


ACCEPTING = frozenset({"A", "E"})


class TransactionError(DescribedCode):
    """IK502-IK506 / AK502-AK506: why a transaction set was not accepted."""

    NOT_SUPPORTED = "1", "Transaction set not supported"
    TRAILER_MISSING = "2", "Transaction set trailer missing"
    CONTROL_NUMBER_MISMATCH = "3", (
        "Transaction set control number in header and trailer do not match")
    SEGMENT_COUNT = "4", "Number of included segments does not match actual count"
    SEGMENTS_IN_ERROR = "5", "One or more segments in error"
    BAD_SET_IDENTIFIER = "6", "Missing or invalid transaction set identifier"
    BAD_CONTROL_NUMBER = "7", "Missing or invalid transaction set control number"
    AUTHENTICATION_KEY_UNKNOWN = "8", "Authentication key name unknown"
    ENCRYPTION_KEY_UNKNOWN = "9", "Encryption key name unknown"
    SERVICE_NOT_AVAILABLE = "10", "Requested service (authentication or encrypted) not available"
    UNKNOWN_SECURITY_RECIPIENT = "11", "Unknown security recipient"
    INCORRECT_MESSAGE_LENGTH = "12", "Incorrect message length (encryption only)"
    MAC_FAILED = "13", "Message authentication code failed"
    UNKNOWN_SECURITY_ORIGINATOR = "15", "Unknown security originator"
    DECRYPTED_SYNTAX_ERROR = "16", "Syntax error in decrypted text"
    SECURITY_NOT_SUPPORTED = "17", "Security not supported"
    NOT_IN_GROUP = "18", "Transaction set not in functional group"
    BAD_IMPLEMENTATION_REFERENCE = "19", (
        "Invalid transaction set implementation convention reference")
    CONTROL_NUMBER_NOT_UNIQUE = "23", (
        "Transaction set control number not unique within the functional group")
    S3E_MISSING = "24", "S3E security end segment missing for S3S security start segment"
    S3S_MISSING = "25", "S3S security start segment missing for S3E security end segment"
    S4E_MISSING = "26", "S4E security end segment missing for S4S security start segment"
    S4S_MISSING = "27", "S4S security start segment missing for S4E security end segment"
    IMPLEMENTATION_SEGMENTS_IN_ERROR = "I5", "Implementation one or more segments in error"
    IMPLEMENTATION_NOT_SUPPORTED = "I6", "Implementation convention not supported"


class GroupError(DescribedCode):
    """AK905-AK909: why the functional group was not accepted."""

    NOT_SUPPORTED = "1", "Functional group not supported"
    VERSION_NOT_SUPPORTED = "2", "Functional group version not supported"
    TRAILER_MISSING = "3", "Functional group trailer missing"
    CONTROL_NUMBER_MISMATCH = "4", (
        "Group control number in the functional group header and trailer do not agree")
    SET_COUNT = "5", "Number of included transaction sets does not match actual count"
    CONTROL_NUMBER_SYNTAX = "6", "Group control number violates syntax"
    AUTHENTICATION_KEY_UNKNOWN = "10", "Authentication key name unknown"
    ENCRYPTION_KEY_UNKNOWN = "11", "Encryption key name unknown"
    SERVICE_NOT_AVAILABLE = "12", "Requested service (authentication or encryption) not available"
    UNKNOWN_SECURITY_RECIPIENT = "13", "Unknown security recipient"
    UNKNOWN_SECURITY_ORIGINATOR = "14", "Unknown security originator"
    DECRYPTED_SYNTAX_ERROR = "15", "Syntax error in decrypted text"
    SECURITY_NOT_SUPPORTED = "16", "Security not supported"
    INCORRECT_MESSAGE_LENGTH = "17", "Incorrect message length (encryption only)"
    MAC_FAILED = "18", "Message authentication code failed"
    CONTROL_NUMBER_NOT_UNIQUE = "19", (
        "Functional group control number not unique within interchange")
    S3E_MISSING = "23", "S3E security end segment missing for S3S security start segment"
    S3S_MISSING = "24", "S3S security start segment missing for S3E end segment"
    S4E_MISSING = "25", "S4E security end segment missing for S4S security start segment"
    S4S_MISSING = "26", "S4S security start segment missing for S4E security end segment"


class SegmentError(DescribedCode):
    """IK304 / AK304: what is wrong with a segment."""

    UNRECOGNIZED = "1", "Unrecognized segment ID"
    UNEXPECTED = "2", "Unexpected segment"
    REQUIRED_MISSING = "3", "Required segment missing"
    LOOP_OVER_MAXIMUM = "4", "Loop occurs over maximum times"
    OVER_MAXIMUM_USE = "5", "Segment exceeds maximum use"
    NOT_IN_SET = "6", "Segment not in defined transaction set"
    OUT_OF_SEQUENCE = "7", "Segment not in proper sequence"
    ELEMENT_ERRORS = "8", "Segment has data element errors"
    NOT_USED_PRESENT = "I4", "Implementation \"not used\" segment present"
    DEPENDENT_MISSING = "I6", "Implementation dependent segment missing"
    LOOP_UNDER_MINIMUM = "I7", "Implementation loop occurs under minimum times"
    UNDER_MINIMUM_USE = "I8", "Implementation segment below minimum use"
    DEPENDENT_NOT_USED_PRESENT = "I9", "Implementation dependent \"not used\" segment present"


class ElementError(DescribedCode):
    """IK403 / AK403: what is wrong with a data element."""

    REQUIRED_MISSING = "1", "Required data element missing"
    CONDITIONAL_MISSING = "2", "Conditional required data element missing"
    TOO_MANY_ELEMENTS = "3", "Too many data elements"
    TOO_SHORT = "4", "Data element too short"
    TOO_LONG = "5", "Data element too long"
    INVALID_CHARACTER = "6", "Invalid character in data element"
    INVALID_CODE = "7", "Invalid code value"
    INVALID_DATE = "8", "Invalid date"
    INVALID_TIME = "9", "Invalid time"
    EXCLUSION_VIOLATED = "10", "Exclusion condition violated"
    TOO_MANY_REPETITIONS = "12", "Too many repetitions"
    TOO_MANY_COMPONENTS = "13", "Too many components"
    CODE_NOT_USED = "I6", "Code value not used in implementation"
    DEPENDENT_MISSING = "I9", "Implementation dependent data element missing"
    NOT_USED_PRESENT = "I10", "Implementation \"not used\" data element present"
    TOO_FEW_REPETITIONS = "I11", "Implementation too few repetitions"
    PATTERN_MISMATCH = "I12", "Implementation pattern match failure"
    DEPENDENT_NOT_USED_PRESENT = "I13", (
        "Implementation dependent \"not used\" data element present")


class InterchangeStatus(DescribedCode):
    """TA104: the verdict on the interchange envelope."""

    ACCEPTED = "A", "Accepted: header and trailer received without errors"
    ACCEPTED_WITH_ERRORS = "E", "Accepted with errors noted: do not resend this data"
    REJECTED = "R", "Rejected because of errors"


class InterchangeNote(DescribedCode):
    """TA105: what was wrong with the interchange envelope."""

    NO_ERROR = "000", "No error"
    CONTROL_NUMBER_MISMATCH = "001", (
        "The interchange control number in the header and trailer do not match")
    STANDARD_NOT_SUPPORTED = "002", "This standard is not supported"
    VERSION_NOT_SUPPORTED = "003", "This version of the controls is not supported"
    BAD_SEGMENT_TERMINATOR = "004", "The segment terminator is invalid"
    BAD_SENDER_QUALIFIER = "005", "Invalid interchange ID qualifier for sender"
    BAD_SENDER_ID = "006", "Invalid interchange sender ID"
    BAD_RECEIVER_QUALIFIER = "007", "Invalid interchange ID qualifier for receiver"
    BAD_RECEIVER_ID = "008", "Invalid interchange receiver ID"
    UNKNOWN_RECEIVER = "009", "Unknown interchange receiver ID"
    BAD_AUTHORIZATION_QUALIFIER = "010", "Invalid authorization information qualifier value"
    BAD_AUTHORIZATION = "011", "Invalid authorization information value"
    BAD_SECURITY_QUALIFIER = "012", "Invalid security information qualifier value"
    BAD_SECURITY = "013", "Invalid security information value"
    BAD_DATE = "014", "Invalid interchange date value"
    BAD_TIME = "015", "Invalid interchange time value"
    BAD_STANDARDS_IDENTIFIER = "016", "Invalid interchange standards identifier value"
    BAD_VERSION = "017", "Invalid interchange version ID value"
    BAD_CONTROL_NUMBER = "018", "Invalid interchange control number value"
    BAD_ACKNOWLEDGMENT_REQUESTED = "019", "Invalid acknowledgment requested value"
    BAD_TEST_INDICATOR = "020", "Invalid test indicator value"
    BAD_GROUP_COUNT = "021", "Invalid number of included groups value"
    BAD_CONTROL_STRUCTURE = "022", "Invalid control structure"
    PREMATURE_END = "023", "Improper (premature) end-of-file (transmission)"
    BAD_CONTENT = "024", "Invalid interchange content (e.g. invalid GS segment)"
    DUPLICATE_CONTROL_NUMBER = "025", "Duplicate interchange control number"
    BAD_ELEMENT_SEPARATOR = "026", "Invalid data element separator"
    BAD_COMPONENT_SEPARATOR = "027", "Invalid component element separator"
    BAD_DELIVERY_DATE = "028", "Invalid delivery date in deferred delivery request"
    BAD_DELIVERY_TIME = "029", "Invalid delivery time in deferred delivery request"
    BAD_DELIVERY_TIME_CODE = "030", "Invalid delivery time code in deferred delivery request"
    BAD_GRADE_OF_SERVICE = "031", "Invalid grade of service code"
