"""Reads the demo's printed documents back with pypdf, as any PDF reader would.

Signs in as a demo doctor, takes a validated consultation record, downloads its
report and its prescription, extracts their text with pypdf, and checks that
they say what the record says: the title, the doctor's and the patient's
names, the diagnosis and its ICD-10 code, the medicines prescribed.

Usage: pdf_check.py BASE_URL USERNAME PASSWORD
"""

import io
import json
import sys
import urllib.request

from pypdf import PdfReader


def call(base, path, token=None, body=None):
    request = urllib.request.Request(base + path, method="POST" if body is not None else "GET")
    if body is not None:
        request.data = json.dumps(body).encode()
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request) as response:
        return response.headers.get("Content-Type", ""), response.read()


def words(text):
    return " ".join(text.split())


def pdf_text(data):
    reader = PdfReader(io.BytesIO(data))
    return words(" ".join(page.extract_text() for page in reader.pages)), len(reader.pages)


def main():
    base, username, password = sys.argv[1:4]
    _, raw = call(base, "/api/token/", body={"username": username, "password": password})
    token = json.loads(raw)["access"]
    _, raw = call(base, "/api/v1/consultations/?status=validated", token)
    validated = json.loads(raw)
    assert validated, "the demo doctor has a validated record"
    failures = []
    for summary in validated:
        _, raw = call(base, f"/api/v1/consultations/{summary['id']}/", token)
        record = json.loads(raw)
        kind, data = call(base, f"/api/v1/consultations/{record['id']}/pdf/", token)
        assert kind == "application/pdf", kind
        text, pages = pdf_text(data)
        exam = record["examination"]
        expected = ["Compte rendu de consultation", record["doctor"]["name"], record["patient"]["name"],
                    words(exam["diagnosis"])]
        if exam.get("icd10_code"):
            expected.append(exam["icd10_code"])
        expected += [words(p["medocs_name"]) for p in record["prescriptions"]]
        failures += [f"record {record['id']}: {e!r} not in its PDF" for e in expected if e not in text]
        print(f"record {record['id']}: {pages} page(s), {len(text)} characters read back")
        if record["prescriptions"]:
            _, data = call(base, f"/api/v1/consultations/{record['id']}/prescription/pdf/", token)
            text, _ = pdf_text(data)
            expected = ["Ordonnance", record["patient"]["name"]] + [words(p["medocs_name"]) for p in record["prescriptions"]]
            failures += [f"prescription {record['id']}: {e!r} missing" for e in expected if e not in text]
            print(f"prescription of record {record['id']}: read back")
    if failures:
        print("\n".join(failures))
        sys.exit(1)
    print("PDFs read back with pypdf: OK")


if __name__ == "__main__":
    main()
