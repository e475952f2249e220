"""Shared X12 code tables (270/271/278) as StrEnums whose members carry their descriptions."""

from __future__ import annotations

# Every table here shares the one base class of the codec's code lists.
from payers.x12.codes.table import DescribedCode as _Coded


class AaaReason(_Coded):
    """AAA03 reject reason codes (element 901) used in the 271."""

    AUTHORIZED_QUANTITY_EXCEEDED = "04", "Authorized Quantity Exceeded"
    REQUIRED_APPLICATION_DATA_MISSING = "15", "Required Application Data Missing"
    INPUT_ERRORS = "33", "Input Errors"
    OUT_OF_NETWORK = "35", "Out of Network"
    AUTHORIZATION_ACCESS_RESTRICTIONS = "41", "Authorization/Access Restrictions"
    UNABLE_TO_RESPOND_AT_CURRENT_TIME = "42", "Unable to Respond at Current Time"
    INVALID_MISSING_PROVIDER_IDENTIFICATION = "43", "Invalid/Missing Provider Identification"
    INVALID_MISSING_PROVIDER_NAME = "44", "Invalid/Missing Provider Name"
    INVALID_MISSING_PROVIDER_SPECIALTY = "45", "Invalid/Missing Provider Specialty"
    INVALID_MISSING_PROVIDER_PHONE_NUMBER = "46", "Invalid/Missing Provider Phone Number"
    INVALID_MISSING_PROVIDER_STATE = "47", "Invalid/Missing Provider State"
    INVALID_MISSING_REFERRING_PROVIDER_IDENTIFICATION_NUMBER = (
        "48",
        "Invalid/Missing Referring Provider Identification Number",
    )
    PROVIDER_IS_NOT_PRIMARY_CARE_PHYSICIAN = "49", "Provider is Not Primary Care Physician"
    PROVIDER_INELIGIBLE_FOR_INQUIRIES = "50", "Provider Ineligible for Inquiries"
    PROVIDER_NOT_ON_FILE = "51", "Provider Not on File"
    SERVICE_DATES_NOT_WITHIN_PROVIDER_PLAN_ENROLLMENT = (
        "52",
        "Service Dates Not Within Provider Plan Enrollment",
    )
    INQUIRED_BENEFIT_INCONSISTENT_WITH_PROVIDER_TYPE = (
        "53",
        "Inquired Benefit Inconsistent with Provider Type",
    )
    INAPPROPRIATE_PRODUCT_SERVICE_ID_QUALIFIER = "54", "Inappropriate Product/Service ID Qualifier"
    INAPPROPRIATE_PRODUCT_SERVICE_ID = "55", "Inappropriate Product/Service ID"
    INAPPROPRIATE_DATE = "56", "Inappropriate Date"
    INVALID_MISSING_DATE_OF_SERVICE = "57", "Invalid/Missing Date(s) of Service"
    INVALID_MISSING_DATE_OF_BIRTH = "58", "Invalid/Missing Date-of-Birth"
    DATE_OF_BIRTH_FOLLOWS_DATE_OF_SERVICE = "60", "Date of Birth Follows Date(s) of Service"
    DATE_OF_DEATH_PRECEDES_DATE_OF_SERVICE = "61", "Date of Death Precedes Date(s) of Service"
    DATE_OF_SERVICE_NOT_WITHIN_ALLOWABLE_INQUIRY_PERIOD = (
        "62",
        "Date of Service Not Within Allowable Inquiry Period",
    )
    DATE_OF_SERVICE_IN_FUTURE = "63", "Date of Service in Future"
    INVALID_MISSING_PATIENT_ID = "64", "Invalid/Missing Patient ID"
    INVALID_MISSING_PATIENT_NAME = "65", "Invalid/Missing Patient Name"
    INVALID_MISSING_PATIENT_GENDER_CODE = "66", "Invalid/Missing Patient Gender Code"
    PATIENT_NOT_FOUND = "67", "Patient Not Found"
    DUPLICATE_PATIENT_ID_NUMBER = "68", "Duplicate Patient ID Number"
    INCONSISTENT_WITH_PATIENT_S_AGE = "69", "Inconsistent with Patient's Age"
    INCONSISTENT_WITH_PATIENT_S_GENDER = "70", "Inconsistent with Patient's Gender"
    PATIENT_BIRTH_DATE_DOES_NOT_MATCH_THAT_FOR_THE_PATIENT_ON_TH = (
        "71",
        "Patient Birth Date Does Not Match That for the Patient on the Database",
    )
    INVALID_MISSING_SUBSCRIBER_INSURED_ID = "72", "Invalid/Missing Subscriber/Insured ID"
    INVALID_MISSING_SUBSCRIBER_INSURED_NAME = "73", "Invalid/Missing Subscriber/Insured Name"
    INVALID_MISSING_SUBSCRIBER_INSURED_GENDER_CODE = (
        "74",
        "Invalid/Missing Subscriber/Insured Gender Code",
    )
    SUBSCRIBER_INSURED_NOT_FOUND = "75", "Subscriber/Insured Not Found"
    DUPLICATE_SUBSCRIBER_INSURED_ID_NUMBER = "76", "Duplicate Subscriber/Insured ID Number"
    SUBSCRIBER_FOUND_PATIENT_NOT_FOUND = "77", "Subscriber Found, Patient Not Found"
    SUBSCRIBER_INSURED_NOT_IN_GROUP_PLAN_IDENTIFIED = (
        "78",
        "Subscriber/Insured Not in Group/Plan Identified",
    )
    INVALID_PARTICIPANT_IDENTIFICATION = "79", "Invalid Participant Identification"
    NO_RESPONSE_RECEIVED_TRANSACTION_TERMINATED = (
        "80",
        "No Response received - Transaction Terminated",
    )
    INVALID_OR_MISSING_PROVIDER_ADDRESS = "97", "Invalid or Missing Provider Address"
    EXPERIMENTAL_SERVICE_OR_PROCEDURE = "98", "Experimental Service or Procedure"
    AUTHORIZATION_NUMBER_NOT_FOUND = "AA", "Authorization Number Not Found"
    REQUIRES_PRIMARY_CARE_PHYSICIAN_AUTHORIZATION = (
        "AE",
        "Requires Primary Care Physician Authorization",
    )
    INVALID_MISSING_DIAGNOSIS_CODE = "AF", "Invalid/Missing Diagnosis Code(s)"
    INVALID_MISSING_PROCEDURE_CODE = "AG", "Invalid/Missing Procedure Code(s)"
    ADDITIONAL_PATIENT_CONDITION_INFORMATION_REQUIRED = (
        "AO",
        "Additional Patient Condition Information Required",
    )
    CERTIFICATION_INFORMATION_DOES_NOT_MATCH_PATIENT = (
        "CI",
        "Certification Information Does Not Match Patient",
    )
    REQUIRES_MEDICAL_REVIEW = "E8", "Requires Medical Review"
    INVALID_AUTHORIZATION_NUMBER_FORMAT = "IA", "Invalid Authorization Number Format"
    MISSING_AUTHORIZATION_NUMBER = "MA", "Missing Authorization Number"
    PAYER_NAME_OR_IDENTIFIER_MISSING = "T4", "Payer Name or Identifier Missing"


class FollowUpAction(_Coded):
    """AAA04 follow-up action codes (element 889)."""

    PLEASE_CORRECT_AND_RESUBMIT = "C", "Please Correct and Resubmit"
    RESUBMISSION_NOT_ALLOWED = "N", "Resubmission Not Allowed"
    PLEASE_RESUBMIT_ORIGINAL_TRANSACTION = "P", "Please Resubmit Original Transaction"
    RESUBMISSION_ALLOWED = "R", "Resubmission Allowed"
    DO_NOT_RESUBMIT_INQUIRY_INITIATED_TO_A_THIRD_PARTY = (
        "S",
        "Do Not Resubmit; Inquiry Initiated to a Third Party",
    )
    PLEASE_WAIT_30_DAYS_AND_RESUBMIT = "W", "Please Wait 30 Days and Resubmit"
    PLEASE_WAIT_10_DAYS_AND_RESUBMIT = "X", "Please Wait 10 Days and Resubmit"
    DO_NOT_RESUBMIT_WE_WILL_HAND_OVER_YOUR_REQUEST = (
        "Y",
        "Do Not Resubmit; We Will Hand Over Your Request",
    )


class EligibilityCode(_Coded):
    """EB01 eligibility or benefit information codes (element 1390)."""

    ACTIVE_COVERAGE = "1", "Active Coverage"
    ACTIVE_FULL_RISK_CAPITATION = "2", "Active - Full Risk Capitation"
    ACTIVE_SERVICES_CAPITATED = "3", "Active - Services Capitated"
    ACTIVE_SERVICES_CAPITATED_TO_PRIMARY_CARE_PHYSICIAN = (
        "4",
        "Active - Services Capitated to Primary Care Physician",
    )
    ACTIVE_PENDING_INVESTIGATION = "5", "Active - Pending Investigation"
    INACTIVE = "6", "Inactive"
    INACTIVE_PENDING_ELIGIBILITY_UPDATE = "7", "Inactive - Pending Eligibility Update"
    INACTIVE_PENDING_INVESTIGATION = "8", "Inactive - Pending Investigation"
    CO_INSURANCE = "A", "Co-Insurance"
    CO_PAYMENT = "B", "Co-Payment"
    DEDUCTIBLE = "C", "Deductible"
    COVERAGE_BASIS = "CB", "Coverage Basis"
    BENEFIT_DESCRIPTION = "D", "Benefit Description"
    EXCLUSIONS = "E", "Exclusions"
    LIMITATIONS = "F", "Limitations"
    OUT_OF_POCKET = "G", "Out of Pocket (Stop Loss)"
    UNLIMITED = "H", "Unlimited"
    NON_COVERED = "I", "Non-Covered"
    COST_CONTAINMENT = "J", "Cost Containment"
    RESERVE = "K", "Reserve"
    PRIMARY_CARE_PROVIDER = "L", "Primary Care Provider"
    PRE_EXISTING_CONDITION = "M", "Pre-existing Condition"
    MANAGED_CARE_COORDINATOR = "MC", "Managed Care Coordinator"
    SERVICES_RESTRICTED_TO_FOLLOWING_PROVIDER = "N", "Services Restricted to Following Provider"
    NOT_DEEMED_A_MEDICAL_NECESSITY = "O", "Not Deemed a Medical Necessity"
    BENEFIT_DISCLAIMER = "P", "Benefit Disclaimer"
    SECOND_SURGICAL_OPINION_REQUIRED = "Q", "Second Surgical Opinion Required"
    OTHER_OR_ADDITIONAL_PAYOR = "R", "Other or Additional Payor"
    PRIOR_YEAR_HISTORY = "S", "Prior Year(s) History"
    CARD_REPORTED_LOST_STOLEN = "T", "Card(s) Reported Lost/Stolen"
    CONTACT_FOLLOWING_ENTITY_FOR_ELIGIBILITY_OR_BENEFIT_INFORMAT = (
        "U",
        "Contact Following Entity for Eligibility or Benefit Information",
    )
    CANNOT_PROCESS = "V", "Cannot Process"
    OTHER_SOURCE_OF_DATA = "W", "Other Source of Data"
    HEALTH_CARE_FACILITY = "X", "Health Care Facility"
    SPEND_DOWN = "Y", "Spend Down"


class ServiceType(_Coded):
    """EB03/EQ01 service type codes (element 1365)."""

    MEDICAL_CARE = "1", "Medical Care"
    SURGICAL = "2", "Surgical"
    CONSULTATION = "3", "Consultation"
    DIAGNOSTIC_X_RAY = "4", "Diagnostic X-Ray"
    DIAGNOSTIC_LAB = "5", "Diagnostic Lab"
    RADIATION_THERAPY = "6", "Radiation Therapy"
    ANESTHESIA = "7", "Anesthesia"
    SURGICAL_ASSISTANCE = "8", "Surgical Assistance"
    OTHER_MEDICAL = "9", "Other Medical"
    BLOOD = "10", "Blood"
    DURABLE_MEDICAL_EQUIPMENT_USED = "11", "Durable Medical Equipment Used"
    DURABLE_MEDICAL_EQUIPMENT_PURCHASED = "12", "Durable Medical Equipment Purchased"
    AMBULATORY_SERVICE_CENTER_FACILITY = "13", "Ambulatory Service Center Facility"
    RENAL_SUPPLIES = "14", "Renal Supplies"
    ALTERNATE_METHOD_DIALYSIS = "15", "Alternate Method Dialysis"
    CHRONIC_RENAL_DISEASE_EQUIPMENT = "16", "Chronic Renal Disease (CRD) Equipment"
    PRE_ADMISSION_TESTING = "17", "Pre-Admission Testing"
    DURABLE_MEDICAL_EQUIPMENT_RENTAL = "18", "Durable Medical Equipment Rental"
    PNEUMONIA_VACCINE = "19", "Pneumonia Vaccine"
    SECOND_SURGICAL_OPINION = "20", "Second Surgical Opinion"
    THIRD_SURGICAL_OPINION = "21", "Third Surgical Opinion"
    SOCIAL_WORK = "22", "Social Work"
    DIAGNOSTIC_DENTAL = "23", "Diagnostic Dental"
    PERIODONTICS = "24", "Periodontics"
    RESTORATIVE = "25", "Restorative"
    ENDODONTICS = "26", "Endodontics"
    MAXILLOFACIAL_PROSTHETICS = "27", "Maxillofacial Prosthetics"
    ADJUNCTIVE_DENTAL_SERVICES = "28", "Adjunctive Dental Services"
    HEALTH_BENEFIT_PLAN_COVERAGE = "30", "Health Benefit Plan Coverage"
    PLAN_WAITING_PERIOD = "32", "Plan Waiting Period"
    CHIROPRACTIC = "33", "Chiropractic"
    CHIROPRACTIC_MODALITY = "34", "Chiropractic Modality"
    DENTAL_CARE = "35", "Dental Care"
    DENTAL_CROWNS = "36", "Dental Crowns"
    DENTAL_ACCIDENT = "37", "Dental Accident"
    ORTHODONTICS = "38", "Orthodontics"
    PROSTHODONTICS = "39", "Prosthodontics"
    ORAL_SURGERY = "40", "Oral Surgery"
    PREVENTIVE_DENTAL = "41", "Preventive Dental"
    HOME_HEALTH_CARE = "42", "Home Health Care"
    HOME_HEALTH_PRESCRIPTIONS = "43", "Home Health Prescriptions"
    HOME_HEALTH_VISITS = "44", "Home Health Visits"
    HOSPICE = "45", "Hospice"
    RESPITE_CARE = "46", "Respite Care"
    HOSPITALIZATION = "47", "Hospitalization"
    HOSPITAL_INPATIENT = "48", "Hospital - Inpatient"
    HOSPITAL_ROOM_AND_BOARD = "49", "Hospital - Room and Board"
    HOSPITAL_OUTPATIENT = "50", "Hospital - Outpatient"
    HOSPITAL_EMERGENCY_ACCIDENT = "51", "Hospital - Emergency Accident"
    HOSPITAL_EMERGENCY_MEDICAL = "52", "Hospital - Emergency Medical"
    HOSPITAL_AMBULATORY_SURGICAL = "53", "Hospital - Ambulatory Surgical"
    LONG_TERM_CARE = "54", "Long Term Care"
    MAJOR_MEDICAL = "55", "Major Medical"
    MEDICALLY_RELATED_TRANSPORTATION = "56", "Medically Related Transportation"
    AIR_TRANSPORTATION = "57", "Air Transportation"
    CABULANCE = "58", "Cabulance"
    LICENSED_AMBULANCE = "59", "Licensed Ambulance"
    GENERAL_BENEFITS = "60", "General Benefits"
    IN_VITRO_FERTILIZATION = "61", "In-vitro Fertilization"
    MRI_SCAN = "62", "MRI Scan"
    DONOR_PROCEDURES = "63", "Donor Procedures"
    ACUPUNCTURE = "64", "Acupuncture"
    NEWBORN_CARE = "65", "Newborn Care"
    PATHOLOGY = "66", "Pathology"
    SMOKING_CESSATION = "67", "Smoking Cessation"
    WELL_BABY_CARE = "68", "Well Baby Care"
    MATERNITY = "69", "Maternity"
    TRANSPLANTS = "70", "Transplants"
    AUDIOLOGY = "71", "Audiology"
    INHALATION_THERAPY = "72", "Inhalation Therapy"
    DIAGNOSTIC_MEDICAL = "73", "Diagnostic Medical"
    PRIVATE_DUTY_NURSING = "74", "Private Duty Nursing"
    PROSTHETIC_DEVICE = "75", "Prosthetic Device"
    DIALYSIS = "76", "Dialysis"
    OTOLOGY = "77", "Otology"
    CHEMOTHERAPY = "78", "Chemotherapy"
    ALLERGY_TESTING = "79", "Allergy Testing"
    IMMUNIZATIONS = "80", "Immunizations"
    ROUTINE_PHYSICAL = "81", "Routine Physical"
    FAMILY_PLANNING = "82", "Family Planning"
    INFERTILITY = "83", "Infertility"
    ABORTION = "84", "Abortion"
    HIV_AIDS_TREATMENT = "85", "HIV - AIDS Treatment"
    EMERGENCY_SERVICES = "86", "Emergency Services"
    CANCER_TREATMENT = "87", "Cancer Treatment"
    PHARMACY = "88", "Pharmacy"
    FREE_STANDING_PRESCRIPTION_DRUG = "89", "Free Standing Prescription Drug"
    MAIL_ORDER_PRESCRIPTION_DRUG = "90", "Mail Order Prescription Drug"
    BRAND_NAME_PRESCRIPTION_DRUG = "91", "Brand Name Prescription Drug"
    GENERIC_PRESCRIPTION_DRUG = "92", "Generic Prescription Drug"
    PODIATRY = "93", "Podiatry"
    PODIATRY_OFFICE_VISITS = "94", "Podiatry - Office Visits"
    PODIATRY_NURSING_HOME_VISITS = "95", "Podiatry - Nursing Home Visits"
    PROFESSIONAL = "96", "Professional (Physician)"
    ANESTHESIOLOGIST = "97", "Anesthesiologist"
    PROFESSIONAL_VISIT_OFFICE = "98", "Professional (Physician) Visit - Office"
    PROFESSIONAL_VISIT_INPATIENT = "99", "Professional (Physician) Visit - Inpatient"
    PROFESSIONAL_VISIT_OUTPATIENT = "A0", "Professional (Physician) Visit - Outpatient"
    PROFESSIONAL_VISIT_NURSING_HOME = "A1", "Professional (Physician) Visit - Nursing Home"
    PROFESSIONAL_VISIT_SKILLED_NURSING_FACILITY = (
        "A2",
        "Professional (Physician) Visit - Skilled Nursing Facility",
    )
    PROFESSIONAL_VISIT_HOME = "A3", "Professional (Physician) Visit - Home"
    PSYCHIATRIC = "A4", "Psychiatric"
    PSYCHIATRIC_ROOM_AND_BOARD = "A5", "Psychiatric - Room and Board"
    PSYCHOTHERAPY = "A6", "Psychotherapy"
    PSYCHIATRIC_INPATIENT = "A7", "Psychiatric - Inpatient"
    PSYCHIATRIC_OUTPATIENT = "A8", "Psychiatric - Outpatient"
    REHABILITATION = "A9", "Rehabilitation"
    REHABILITATION_ROOM_AND_BOARD = "AA", "Rehabilitation - Room and Board"
    REHABILITATION_INPATIENT = "AB", "Rehabilitation - Inpatient"
    REHABILITATION_OUTPATIENT = "AC", "Rehabilitation - Outpatient"
    OCCUPATIONAL_THERAPY = "AD", "Occupational Therapy"
    PHYSICAL_MEDICINE = "AE", "Physical Medicine"
    SPEECH_THERAPY = "AF", "Speech Therapy"
    SKILLED_NURSING_CARE = "AG", "Skilled Nursing Care"
    SKILLED_NURSING_CARE_ROOM_AND_BOARD = "AH", "Skilled Nursing Care - Room and Board"
    SUBSTANCE_ABUSE = "AI", "Substance Abuse"
    ALCOHOLISM_TREATMENT = "AJ", "Alcoholism Treatment"
    DRUG_ADDICTION = "AK", "Drug Addiction"
    OPTOMETRY = "AL", "Optometry"
    FRAMES = "AM", "Frames"
    ROUTINE_EXAM = "AN", "Routine Exam"
    LENSES = "AO", "Lenses"
    ROUTINE_EYE_EXAM = "AP", "Routine Eye Exam"
    NONMEDICALLY_NECESSARY_PHYSICAL = (
        "AQ",
        "Nonmedically Necessary Physical (These physicals are required by other e"
        "ntities e.g., insurance application, pilot license, employment or school)",
    )
    EXPERIMENTAL_DRUG_THERAPY = "AR", "Experimental Drug Therapy"
    BURN_CARE = "B1", "Burn Care"
    BRAND_NAME_PRESCRIPTION_DRUG_FORMULARY = "B2", "Brand Name Prescription Drug - Formulary"
    BRAND_NAME_PRESCRIPTION_DRUG_NON_FORMULARY = (
        "B3",
        "Brand Name Prescription Drug - Non-Formulary",
    )
    INDEPENDENT_MEDICAL_EVALUATION = "BA", "Independent Medical Evaluation"
    PSYCHIATRIC_TREATMENT_PARTIAL_HOSPITALIZATION = (
        "BB",
        "Psychiatric Treatment Partial Hospitalization",
    )
    DAY_CARE = "BC", "Day Care (Psychiatric)"
    COGNITIVE_THERAPY = "BD", "Cognitive Therapy"
    MASSAGE_THERAPY = "BE", "Massage Therapy"
    PULMONARY_REHABILITATION = "BF", "Pulmonary Rehabilitation"
    CARDIAC_REHABILITATION = "BG", "Cardiac Rehabilitation"
    PEDIATRIC = "BH", "Pediatric"
    NURSERY_ROOM_AND_BOARD = "BI", "Nursery Room and Board"
    SKIN = "BJ", "Skin"
    ORTHOPEDIC = "BK", "Orthopedic"
    CARDIAC = "BL", "Cardiac"
    LYMPHATIC = "BM", "Lymphatic"
    GASTROINTESTINAL = "BN", "Gastrointestinal"
    ENDOCRINE = "BP", "Endocrine"
    NEUROLOGY = "BQ", "Neurology"
    EYE = "BR", "Eye"
    INVASIVE_PROCEDURES = "BS", "Invasive Procedures"
    GYNECOLOGICAL = "BT", "Gynecological"
    OBSTETRICAL = "BU", "Obstetrical"
    OBSTETRICAL_GYNECOLOGICAL = "BV", "Obstetrical/Gynecological"
    MAIL_ORDER_PRESCRIPTION_DRUG_BRAND_NAME = "BW", "Mail Order Prescription Drug: Brand Name"
    MAIL_ORDER_PRESCRIPTION_DRUG_GENERIC = "BX", "Mail Order Prescription Drug: Generic"
    PHYSICIAN_VISIT_SICK = "BY", "Physician Visit - Sick"
    PHYSICIAN_VISIT_WELL = "BZ", "Physician Visit - Well"
    CORONARY_CARE = "C1", "Coronary Care"
    PRIVATE_DUTY_NURSING_INPATIENT = "CA", "Private Duty Nursing - Inpatient"
    PRIVATE_DUTY_NURSING_HOME = "CB", "Private Duty Nursing - Home"
    SURGICAL_BENEFITS_PROFESSIONAL = "CC", "Surgical Benefits - Professional (Physician)"
    SURGICAL_BENEFITS_FACILITY = "CD", "Surgical Benefits - Facility"
    MENTAL_HEALTH_PROVIDER_INPATIENT = "CE", "Mental Health Provider - Inpatient"
    MENTAL_HEALTH_PROVIDER_OUTPATIENT = "CF", "Mental Health Provider - Outpatient"
    MENTAL_HEALTH_FACILITY_INPATIENT = "CG", "Mental Health Facility - Inpatient"
    MENTAL_HEALTH_FACILITY_OUTPATIENT = "CH", "Mental Health Facility - Outpatient"
    SUBSTANCE_ABUSE_FACILITY_INPATIENT = "CI", "Substance Abuse Facility - Inpatient"
    SUBSTANCE_ABUSE_FACILITY_OUTPATIENT = "CJ", "Substance Abuse Facility - Outpatient"
    SCREENING_X_RAY = "CK", "Screening X-ray"
    SCREENING_LABORATORY = "CL", "Screening laboratory"
    MAMMOGRAM_HIGH_RISK_PATIENT = "CM", "Mammogram, High Risk Patient"
    MAMMOGRAM_LOW_RISK_PATIENT = "CN", "Mammogram, Low Risk Patient"
    FLU_VACCINATION = "CO", "Flu Vaccination"
    EYEWEAR_ACCESSORIES = "CP", "Eyewear Accessories"
    CASE_MANAGEMENT = "CQ", "Case Management"
    DERMATOLOGY = "DG", "Dermatology"
    DURABLE_MEDICAL_EQUIPMENT = "DM", "Durable Medical Equipment"
    DIABETIC_SUPPLIES = "DS", "Diabetic Supplies"
    ALLIED_BEHAVIORAL_ANALYSIS_THERAPY = "E0", "Allied Behavioral Analysis Therapy"
    NON_MEDICAL_EQUIPMENT = "E1", "Non-Medical Equipment (non DME)"
    PSYCHIATRIC_EMERGENCY = "E2", "Psychiatric Emergency"
    STEP_DOWN_UNIT = "E3", "Step Down Unit"
    SKILLED_NURSING_FACILITY_HEAD_LEVEL_OF_CARE = (
        "E4",
        "Skilled Nursing Facility Head Level of Care",
    )
    SKILLED_NURSING_FACILITY_VENTILATOR_LEVEL_OF_CARE = (
        "E5",
        "Skilled Nursing Facility Ventilator Level of Care",
    )
    LEVEL_OF_CARE_1 = "E6", "Level of Care 1"
    LEVEL_OF_CARE_2 = "E7", "Level of Care 2"
    LEVEL_OF_CARE_3 = "E8", "Level of Care 3"
    LEVEL_OF_CARE_4 = "E9", "Level of Care 4"
    RADIOGRAPHS = "E10", "Radiographs"
    DIAGNOSTIC_IMAGING = "E11", "Diagnostic Imaging"
    BASIC_RESTORATIVE_DENTAL = "E12", "Basic Restorative - Dental"
    MAJOR_RESTORATIVE_DENTAL = "E13", "Major Restorative - Dental"
    FIXED_PROSTHODONTICS = "E14", "Fixed Prosthodontics"
    REMOVABLE_PROSTHODONTICS = "E15", "Removable Prosthodontics"
    INTRAORAL_IMAGES_COMPLETE_SERIES = "E16", "Intraoral Images - Complete Series"
    ORAL_EVALUATION = "E17", "Oral Evaluation"
    DENTAL_PROPHYLAXIS = "E18", "Dental Prophylaxis"
    PANORAMIC_IMAGES = "E19", "Panoramic Images"
    SEALANTS = "E20", "Sealants"
    FLOURIDE_TREATMENTS = "E21", "Flouride Treatments"
    DENTAL_IMPLANTS = "E22", "Dental Implants"
    TEMPOROMANDIBULAR_JOINT_DYSFUNCTION = "E23", "Temporomandibular Joint Dysfunction"
    RETAIL_PHARMACY_PRESCRIPTION_DRUG = "E24", "Retail Pharmacy Prescription Drug"
    LONG_TERM_CARE_PHARMACY = "E25", "Long Term Care Pharmacy"
    COMPREHENSIVE_MEDICATION_THERAPY_MANAGEMENT_REVIEW = (
        "E26",
        "Comprehensive Medication Therapy Management Review",
    )
    TARGETED_MEDICATION_THERAPY_MANAGEMENT_REVIEW = (
        "E27",
        "Targeted Medication Therapy Management Review",
    )
    DIETARY_NUTRITIONAL_SERVICES = "E28", "Dietary/Nutritional Services"
    TECHNICAL_CARDIAC_REHABILITATION_SERVICES_COMPONENT = (
        "E29",
        "Technical Cardiac Rehabilitation Services Component",
    )
    PROFESSIONAL_CARDIAC_REHABILITATION_SERVICES_COMPONENT = (
        "E30",
        "Professional Cardiac Rehabilitation Services Component",
    )
    PROFESSIONAL_INTENSIVE_CARDIAC_REHABILITATION_SERVICES_COMPO = (
        "E31",
        "Professional Intensive Cardiac Rehabilitation Services Component",
    )
    INTENSIVE_CARDIAC_REHABILITATION_TECHNICAL_COMPONENT = (
        "E32",
        "Intensive Cardiac Rehabilitation - Technical Component",
    )
    INTENSIVE_CARDIAC_REHABILITATION = "E33", "Intensive Cardiac Rehabilitation"
    PULMONARY_REHABILITATION_TECHNICAL_COMPONENT = (
        "E34",
        "Pulmonary Rehabilitation - Technical Component",
    )
    PULMONARY_REHABILITATION_PROFESSIONAL_COMPONENT = (
        "E35",
        "Pulmonary Rehabilitation - Professional Component",
    )
    CONVENIENCE_CARE = "E36", "Convenience Care"
    TELEMEDICINE = "E37", "Telemedicine"
    PHARMACIST_SERVICES = "E38", "Pharmacist Services"
    DIABETIC_EDUCATION = "E39", "Diabetic Education"
    EARLY_INTERVENTION = "E40", "Early Intervention"
    PREVENTIVE_SERVICES = "EA", "Preventive Services"
    SPECIALTY_PHARMACY = "EB", "Specialty Pharmacy"
    DURABLE_MEDICAL_EQUIPMENT_NEW = "EC", "Durable Medical Equipment New"
    CAT_SCAN = "ED", "CAT Scan"
    OPHTHALMOLOGY = "EE", "Ophthalmology"
    CONTACT_LENSES = "EF", "Contact Lenses"
    MEDICAL_COVERAGE = "F1", "Medical Coverage"
    SOCIAL_WORK_COVERAGE = "F2", "Social Work Coverage"
    DENTAL_COVERAGE = "F3", "Dental Coverage"
    HEARING_COVERAGE = "F4", "Hearing Coverage"
    PRESCRIPTION_DRUG_COVERAGE = "F5", "Prescription Drug Coverage"
    VISION_COVERAGE = "F6", "Vision Coverage"
    ORTHODONTIA_COVERAGE = "F7", "Orthodontia Coverage"
    MENTAL_HEALTH_COVERAGE = "F8", "Mental Health Coverage"
    GENERIC_PRESCRIPTION_DRUG_FORMULARY = "GF", "Generic Prescription Drug - Formulary"
    GENERIC_PRESCRIPTION_DRUG_NON_FORMULARY = "GN", "Generic Prescription Drug - Non-Formulary"
    ALLERGY = "GY", "Allergy"
    INTENSIVE_CARE = "IC", "Intensive Care"
    MENTAL_HEALTH = "MH", "Mental Health"
    NEONATAL_INTENSIVE_CARE = "NI", "Neonatal Intensive Care"
    ONCOLOGY = "ON", "Oncology"
    POSITRON_EMISSION_TOMOGRAPHY_SCAN = "PE", "Positron Emission Tomography (PET) Scan"
    PHYSICAL_THERAPY = "PT", "Physical Therapy"
    PULMONARY = "PU", "Pulmonary"
    RENAL = "RN", "Renal"
    RESIDENTIAL_PSYCHIATRIC_TREATMENT = "RT", "Residential Psychiatric Treatment"
    SERIOUS_MENTAL_HEALTH = "SMH", "Serious Mental Health"
    TRANSITIONAL_CARE = "TC", "Transitional Care"
    TRANSITIONAL_NURSERY_CARE = "TN", "Transitional Nursery Care"
    URGENT_CARE = "UC", "Urgent Care"


class CoverageLevel(_Coded):
    """EB02 coverage level codes."""

    CHILDREN_ONLY = "CHD", "Children Only"
    DEPENDENTS_ONLY = "DEP", "Dependents Only"
    EMPLOYEE_AND_CHILDREN = "ECH", "Employee and Children"
    EMPLOYEE_ONLY = "EMP", "Employee Only"
    EMPLOYEE_AND_SPOUSE = "ESP", "Employee and Spouse"
    FAMILY = "FAM", "Family"
    INDIVIDUAL = "IND", "Individual"
    SPOUSE_AND_CHILDREN = "SPC", "Spouse and Children"
    SPOUSE_ONLY = "SPO", "Spouse Only"


class InsuranceType(_Coded):
    """EB04 insurance type codes."""

    MEDICARE_SECONDARY_WORKING_AGED_BENEFICIARY_OR_SPOUSE_WITH_E = (
        "12",
        "Medicare Secondary Working Aged Beneficiary or Spouse with Employer Group Health Plan",
    )
    MEDICARE_SECONDARY_END_STAGE_RENAL_DISEASE_BENEFICIARY_IN_TH = (
        "13",
        "Medicare Secondary End-Stage Renal Disease Beneficiary in the 1"
        "2 month coordination period with an employer's group health plan",
    )
    MEDICARE_SECONDARY_NO_FAULT_INSURANCE_INCLUDING_AUTO_IS_PRIM = (
        "14",
        "Medicare Secondary, No-fault Insurance including Auto is Primary",
    )
    MEDICARE_SECONDARY_WORKER_S_COMPENSATION = "15", "Medicare Secondary Worker's Compensation"
    MEDICARE_SECONDARY_PUBLIC_HEALTH_SERVICE_OR_OTHER_FEDERAL_AG = (
        "16",
        "Medicare Secondary Public Health Service (PHS)or Other Federal Agency",
    )
    MEDICARE_SECONDARY_BLACK_LUNG = "41", "Medicare Secondary Black Lung"
    MEDICARE_SECONDARY_VETERAN_S_ADMINISTRATION = (
        "42",
        "Medicare Secondary Veteran's Administration",
    )
    MEDICARE_SECONDARY_DISABLED_BENEFICIARY_UNDER_AGE_65_WITH_LA = (
        "43",
        "Medicare Secondary Disabled Beneficiary Under Age 65 with Large Group Health Plan (LGHP)",
    )
    MEDICARE_SECONDARY_OTHER_LIABILITY_INSURANCE_IS_PRIMARY = (
        "47",
        "Medicare Secondary, Other Liability Insurance is Primary",
    )
    AUTO_INSURANCE_POLICY = "AP", "Auto Insurance Policy"
    COMMERCIAL = "C1", "Commercial"
    CONSOLIDATED_OMNIBUS_BUDGET_RECONCILIATION_ACT = (
        "CO",
        "Consolidated Omnibus Budget Reconciliation Act (COBRA)",
    )
    MEDICARE_CONDITIONALLY_PRIMARY = "CP", "Medicare Conditionally Primary"
    DISABILITY = "D", "Disability"
    DISABILITY_BENEFITS = "DB", "Disability Benefits"
    EXCLUSIVE_PROVIDER_ORGANIZATION = "EP", "Exclusive Provider Organization"
    FAMILY_OR_FRIENDS = "FF", "Family or Friends"
    GROUP_POLICY = "GP", "Group Policy"
    HEALTH_MAINTENANCE_ORGANIZATION = "HM", "Health Maintenance Organization (HMO)"
    HEALTH_MAINTENANCE_ORGANIZATION_MEDICARE_RISK = (
        "HN",
        "Health Maintenance Organization (HMO) - Medicare Risk",
    )
    SPECIAL_LOW_INCOME_MEDICARE_BENEFICIARY = "HS", "Special Low Income Medicare Beneficiary"
    INDEMNITY = "IN", "Indemnity"
    INDIVIDUAL_POLICY = "IP", "Individual Policy"
    LONG_TERM_CARE = "LC", "Long Term Care"
    LONG_TERM_POLICY = "LD", "Long Term Policy"
    LIFE_INSURANCE = "LI", "Life Insurance"
    LITIGATION = "LT", "Litigation"
    MEDICARE_PART_A = "MA", "Medicare Part A"
    MEDICARE_PART_B = "MB", "Medicare Part B"
    MEDICAID = "MC", "Medicaid"
    MEDIGAP_PART_A = "MH", "Medigap Part A"
    MEDIGAP_PART_B = "MI", "Medigap Part B"
    MEDICARE_PRIMARY = "MP", "Medicare Primary"
    OTHER = "OT", "Other"
    PROPERTY_INSURANCE_PERSONAL = "PE", "Property Insurance - Personal"
    PERSONAL = "PL", "Personal"
    PERSONAL_PAYMENT = "PP", "Personal Payment (Cash - No Insurance)"
    PREFERRED_PROVIDER_ORGANIZATION = "PR", "Preferred Provider Organization (PPO)"
    POINT_OF_SERVICE = "PS", "Point of Service (POS)"
    QUALIFIED_MEDICARE_BENEFICIARY = "QM", "Qualified Medicare Beneficiary"
    PROPERTY_INSURANCE_REAL = "RP", "Property Insurance - Real"
    SUPPLEMENTAL_POLICY = "SP", "Supplemental Policy"
    TAX_EQUITY_FISCAL_RESPONSIBILITY_ACT = "TF", "Tax Equity Fiscal Responsibility Act (TEFRA)"
    WORKERS_COMPENSATION = "WC", "Workers Compensation"
    WRAP_UP_POLICY = "WU", "Wrap Up Policy"


class TimePeriod(_Coded):
    """EB06/HSD05 time period qualifiers used in the 271."""

    HOUR = "6", "Hour"
    DAY = "7", "Day"
    N_24_HOURS = "13", "24 Hours"
    YEARS = "21", "Years"
    SERVICE_YEAR = "22", "Service Year"
    CALENDAR_YEAR = "23", "Calendar Year"
    YEAR_TO_DATE = "24", "Year to Date"
    CONTRACT = "25", "Contract"
    EPISODE = "26", "Episode"
    VISIT = "27", "Visit"
    OUTLIER = "28", "Outlier"
    REMAINING = "29", "Remaining"
    EXCEEDED = "30", "Exceeded"
    NOT_EXCEEDED = "31", "Not Exceeded"
    LIFETIME = "32", "Lifetime"
    LIFETIME_REMAINING = "33", "Lifetime Remaining"
    MONTH = "34", "Month"
    WEEK = "35", "Week"
    ADMISSION = "36", "Admission"


class QuantityQualifier(_Coded):
    """EB09/HSD01 quantity qualifiers used in the 271."""

    MINIMUM = "8H", "Minimum"
    QUANTITY_USED = "99", "Quantity Used"
    COVERED_ACTUAL = "CA", "Covered - Actual"
    COVERED_ESTIMATED = "CE", "Covered - Estimated"
    NUMBER_OF_CO_INSURANCE_DAYS = "D3", "Number of Co-insurance Days"
    DEDUCTIBLE_BLOOD_UNITS = "DB", "Deductible Blood Units"
    DAYS = "DY", "Days"
    UNITS = "FL", "Units"
    HOURS = "HS", "Hours"
    LIFE_TIME_RESERVE_ACTUAL = "LA", "Life-time Reserve - Actual"
    LIFE_TIME_RESERVE_ESTIMATED = "LE", "Life-time Reserve - Estimated"
    MAXIMUM = "M2", "Maximum"
    MONTH = "MN", "Month"
    NUMBER_OF_SERVICES_OR_PROCEDURES = "P6", "Number of Services or Procedures"
    QUANTITY_APPROVED = "QA", "Quantity Approved"
    AGE_HIGH_VALUE = "S7", "Age, High Value"
    AGE_LOW_VALUE = "S8", "Age, Low Value"
    VISITS = "VS", "Visits"
    YEARS = "YY", "Years"


class EntityIdentifier(_Coded):
    """NM101 entity identifier codes seen in 270/271 loops."""

    DEPENDENT = "03", "Dependent"
    CONTRACTED_SERVICE_PROVIDER = "13", "Contracted Service Provider"
    PREFERRED_PROVIDER_ORGANIZATION = "1I", "Preferred Provider Organization (PPO)"
    PROVIDER = "1P", "Provider"
    THIRD_PARTY_ADMINISTRATOR = "2B", "Third-Party Administrator"
    EMPLOYER = "36", "Employer"
    OTHER_PHYSICIAN = "73", "Other Physician"
    HOSPITAL = "80", "Hospital"
    FACILITY = "FA", "Facility"
    GATEWAY_PROVIDER = "GP", "Gateway Provider"
    GROUP = "GW", "Group"
    INDEPENDENT_PHYSICIANS_ASSOCIATION = "I3", "Independent Physicians Association (IPA)"
    INSURED_OR_SUBSCRIBER = "IL", "Insured or Subscriber"
    LEGAL_REPRESENTATIVE = "LR", "Legal Representative"
    ORIGIN_CARRIER = "OC", "Origin Carrier"
    PRIMARY_CARE_PROVIDER = "P3", "Primary Care Provider"
    PRIOR_INSURANCE_CARRIER = "P4", "Prior Insurance Carrier"
    PLAN_SPONSOR = "P5", "Plan Sponsor"
    PAYER = "PR", "Payer"
    PRIMARY_PAYER = "PRP", "Primary Payer"
    SECONDARY_PAYER = "SEP", "Secondary Payer"
    TERTIARY_PAYER = "TTP", "Tertiary Payer"
    PARTY_PERFORMING_VERIFICATION = "VER", "Party Performing Verification"
    VENDOR = "VN", "Vendor"
    ORGANIZATION_COMPLETING_CONFIGURATION_CHANGE = (
        "VY",
        "Organization Completing Configuration Change",
    )
    UTILIZATION_MANAGEMENT_ORGANIZATION = "X3", "Utilization Management Organization"
    MANAGED_CARE_ORGANIZATION = "Y2", "Managed Care Organization"


class DateQualifier(_Coded):
    """DTP01 date/time qualifiers of 2100 and 2110 loops."""

    DISCHARGE = "096", "Discharge"
    ISSUE = "102", "Issue"
    EFFECTIVE_DATE_OF_CHANGE = "152", "Effective Date of Change"
    PERIOD_START = "193", "Period Start"
    PERIOD_END = "194", "Period End"
    COMPLETION = "198", "Completion"
    COORDINATION_OF_BENEFITS = "290", "Coordination of Benefits"
    PLAN = "291", "Plan"
    BENEFIT = "292", "Benefit"
    PRIMARY_CARE_PROVIDER = "295", "Primary Care Provider"
    LATEST_VISIT_OR_CONSULTATION = "304", "Latest Visit or Consultation"
    ELIGIBILITY = "307", "Eligibility"
    ADDED = "318", "Added"
    CONSOLIDATED_OMNIBUS_BUDGET_RECONCILIATION_ACT_BEGIN = (
        "340",
        "Consolidated Omnibus Budget Reconciliation Act (COBRA) Begin",
    )
    CONSOLIDATED_OMNIBUS_BUDGET_RECONCILIATION_ACT_END = (
        "341",
        "Consolidated Omnibus Budget Reconciliation Act (COBRA) End",
    )
    PREMIUM_PAID_TO_DATE_BEGIN = "342", "Premium Paid to Date Begin"
    PREMIUM_PAID_TO_DATE_END = "343", "Premium Paid to Date End"
    PLAN_BEGIN = "346", "Plan Begin"
    PLAN_END = "347", "Plan End"
    BENEFIT_BEGIN = "348", "Benefit Begin"
    BENEFIT_END = "349", "Benefit End"
    ELIGIBILITY_BEGIN = "356", "Eligibility Begin"
    ELIGIBILITY_END = "357", "Eligibility End"
    ENROLLMENT = "382", "Enrollment"
    ADMISSION = "435", "Admission"
    DATE_OF_DEATH = "442", "Date of Death"
    CERTIFICATION = "458", "Certification"
    SERVICE = "472", "Service"
    POLICY_EFFECTIVE = "539", "Policy Effective"
    POLICY_EXPIRATION = "540", "Policy Expiration"
    DATE_OF_LAST_UPDATE = "636", "Date of Last Update"
    STATUS = "771", "Status"


class ReferenceQualifier(_Coded):
    """REF01 reference identification qualifiers of the 271."""

    PLAN_NUMBER = "18", "Plan Number"
    GROUP_OR_POLICY_NUMBER = "1L", "Group or Policy Number"
    MEMBER_IDENTIFICATION_NUMBER = "1W", "Member Identification Number"
    CASE_NUMBER = "3H", "Case Number"
    FAMILY_UNIT_NUMBER = "49", "Family Unit Number"
    GROUP_NUMBER = "6P", "Group Number"
    REFERRAL_NUMBER = "9F", "Referral Number"
    ALTERNATIVE_LIST_ID = "ALS", "Alternative List ID"
    COVERAGE_LIST_ID = "CLI", "Coverage List ID"
    CONTRACT_NUMBER = "CT", "Contract Number"
    MEDICAL_RECORD_IDENTIFICATION_NUMBER = "EA", "Medical Record Identification Number"
    PATIENT_ACCOUNT_NUMBER = "EJ", "Patient Account Number"
    HEALTH_INSURANCE_CLAIM_NUMBER = "F6", "Health Insurance Claim (HIC) Number"
    DRUG_FORMULARY_NUMBER = "FO", "Drug Formulary Number"
    PRIOR_AUTHORIZATION_NUMBER = "G1", "Prior Authorization Number"
    IDENTIFICATION_CARD_SERIAL_NUMBER = "GH", "Identification Card Serial Number"
    IDENTITY_CARD_NUMBER = "HJ", "Identity Card Number"
    INSURANCE_POLICY_NUMBER = "IG", "Insurance Policy Number"
    MEDICAL_ASSISTANCE_CATEGORY = "M7", "Medical Assistance Category"
    PLAN_NETWORK_IDENTIFICATION_NUMBER = "N6", "Plan Network Identification Number"
    MEDICAID_RECIPIENT_IDENTIFICATION_NUMBER = "NQ", "Medicaid Recipient Identification Number"
    PRIOR_IDENTIFIER_NUMBER = "Q4", "Prior Identifier Number"
    SOCIAL_SECURITY_NUMBER = "SY", "Social Security Number"
    AGENCY_CLAIM_NUMBER = "Y4", "Agency Claim Number"


class NetworkIndicator(_Coded):
    """EB12 in-plan network indicator."""

    IN_NETWORK = "Y", "In Plan-Network"
    OUT_OF_NETWORK = "N", "Out of Plan-Network"
    UNKNOWN = "U", "Unknown"
    NOT_APPLICABLE = "W", "Not Applicable (applies to both)"


class AuthorizationIndicator(_Coded):
    """EB11 authorization or certification indicator."""

    REQUIRED = "Y", "Prior authorization or certification required"
    NOT_REQUIRED = "N", "Not required"
    UNKNOWN = "U", "Unknown"


# Behavioural-health service types (reference section 4): a benefit on any of these is
# "mental health" for the summary; carve-outs are detected on this set too.
BEHAVIORAL_HEALTH_SERVICE_TYPES = frozenset(
    {"MH", "A4", "A5", "A6", "A7", "A8", "AI", "AJ", "AK", "BB", "BC", "BD", "CE", "CF",
     "CG", "CH", "CI", "CJ", "RT", "F8", "E2", "SMH"}
)
ACTIVE_CODES = frozenset({"1", "2", "3", "4", "5"})
INACTIVE_CODES = frozenset({"6", "7", "8"})
