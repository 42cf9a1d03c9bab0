"""Reads the platform's FHIR API as another system would, and validates it.

    read_fhir.py read BASE TOKEN PATIENT_ID
    read_fhir.py refused BASE TOKEN PATIENT_ID

`read`: the SMART `fhirclient` (its R4 4.0.1 models, strict: an unknown
element, a missing required one or a wrong type fails) reads `metadata`, the
patient, searches each of their resource types (following the `next` links
page by page) and `$everything`; every resource received is validated a
second time by `fhir.resources` (R4B models). Prints JSON: what was read.

`refused`: reads the patient with a token that may not, and prints the
status and the OperationOutcome (validated by both libraries).
"""

import json
import sys
import warnings

from fhir.resources.R4B import get_fhir_model_class
from fhirclient import server as fhir_server
from fhirclient.models.bundle import Bundle
from fhirclient.models.capabilitystatement import CapabilityStatement
from fhirclient.models.operationoutcome import OperationOutcome
from fhirclient.models.patient import Patient
from fhirclient.models.appointment import Appointment
from fhirclient.models.condition import Condition
from fhirclient.models.encounter import Encounter
from fhirclient.models.medicationstatement import MedicationStatement
from fhirclient.models.observation import Observation
from fhirclient.models.practitioner import Practitioner
from fhirclient.models.schedule import Schedule
from fhirclient.models.slot import Slot

warnings.simplefilter("ignore", DeprecationWarning)


class Bearer:
    """The platform's access token on every request."""

    def __init__(self, token):
        self.token = token

    def can_sign_headers(self):
        return True

    def signed_headers(self, headers):
        headers = dict(headers or {})
        headers["Authorization"] = "Bearer " + self.token
        return headers


def connect(base, token):
    server = fhir_server.FHIRServer(None, base_uri=base)
    server.auth = Bearer(token)
    return server


validated = 0


def second_opinion(raw):
    """fhir.resources' model of the resource's type accepts it."""
    global validated
    get_fhir_model_class(raw["resourceType"]).model_validate(raw)
    validated += 1


def read(base, token, patient_id):
    server = connect(base, token)
    out = {}
    capability = CapabilityStatement.read_from("metadata", server)
    second_opinion(capability.as_json())
    out["capability"] = {
        "fhirVersion": capability.fhirVersion,
        "types": sorted(r.type for r in capability.rest[0].resource),
    }
    patient = Patient.read(patient_id, server)
    second_opinion(patient.as_json())
    out["patient"] = patient.as_json()

    searches = {}
    for model, extra in [
        (Appointment, {}),
        (Observation, {"_count": "2"}),
        (MedicationStatement, {}),
        (Condition, {}),
        (Encounter, {}),
    ]:
        struct = {"patient": patient_id}
        struct.update(extra)
        pages = 0
        found = []
        for bundle in model.where(struct=struct).perform_iter(server):
            pages += 1
            second_opinion(bundle.as_json())
            for entry in bundle.entry or []:
                assert entry.resource.resource_type == model.resource_type
                second_opinion(entry.resource.as_json())
                found.append(entry.resource.as_json())
        searches[model.resource_type] = {"pages": pages, "resources": found}
    out["searches"] = searches

    doctors = []
    for practitioner in Practitioner.where(struct={}).perform_resources_iter(server):
        second_opinion(practitioner.as_json())
        doctors.append(practitioner.id)
    out["practitioners"] = doctors
    schedules = Schedule.where(struct={}).perform_resources(server)
    slots = {}
    for schedule in schedules:
        second_opinion(schedule.as_json())
        free = Slot.where(struct={"schedule": "Schedule/" + schedule.id, "status": "free"})
        found = list(free.perform_resources_iter(server))
        for slot in found:
            second_opinion(slot.as_json())
        slots[schedule.id] = len(found)
    out["free_slots"] = slots

    everything = Bundle(server.request_json("Patient/%s/$everything" % patient_id))
    second_opinion(everything.as_json())
    kinds = {}
    for entry in everything.entry or []:
        kind = entry.resource.resource_type
        kinds[kind] = kinds.get(kind, 0) + 1
    out["everything"] = kinds
    out["validated"] = validated
    return out


def refused(base, token, patient_id):
    server = connect(base, token)
    try:
        Patient.read(patient_id, server)
    except fhir_server.FHIRPermissionDeniedException as err:
        response = err.response
    except fhir_server.FHIRNotFoundException as err:
        response = err.response
    else:
        raise SystemExit("the read was not refused")
    raw = response.json()
    outcome = OperationOutcome(raw)
    second_opinion(raw)
    return {
        "status": response.status_code,
        "content_type": response.headers.get("content-type"),
        "issue": outcome.issue[0].as_json(),
    }


if __name__ == "__main__":
    mode, base, token, patient_id = sys.argv[1:5]
    result = read(base, token, patient_id) if mode == "read" else refused(base, token, patient_id)
    json.dump(result, sys.stdout)
