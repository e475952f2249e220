"""No page, link or redirect of the web app carries patient data in its URL or page title."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from tests.support.builders import new_practice
from tests.support.people import PEOPLE
from tests.support.web import post, signed_in_client, title


def phi_forms():
    for person in PEOPLE:
        year, month, day = person.birth_date.split("-")
        yield from (person.first_name, person.last_name, person.member_id, person.birth_date,
                    f"{year}{month}{day}", f"{month}/{day}/{year}")


def leaks(text):
    return [form for form in phi_forms() if form.lower() in text.lower()]


def test_no_url_redirect_or_title_of_the_web_app_carries_patient_data(app):
    practice_id, _ = new_practice(app)
    client = signed_in_client(app, practice_id, role="admin")
    seen: list[str] = []
    queue: list[str] = []
    pdfs: list[str] = []

    def visit(response, url):
        seen.append(url)
        if "Location" in response.headers:
            seen.append(response.headers["Location"])
            return [response.headers["Location"]]
        if response.mimetype == "application/pdf":  # a printable page's download
            assert leaks(response.headers["Content-Disposition"]) == [], url
            pdfs.append(url)
            return []
        assert leaks(title(response.text)) == [], url
        return [href for href in re.findall(r'href="(/app/[^"]*)"', response.text)
                if "/static/" not in href]

    # Given clients of every kind, entered through the intake form
    members = ("ZZT0000001", "ZZT0000003", "ZZT0000004", "ZZT0000072", "ZZT0000005")
    for person, member_id in zip(PEOPLE, members, strict=False):
        form = {**person.patient_json(), "payer": "sandbox", "member_id": member_id,
                "relationship": "self"}
        queue += visit(post(client, "/app/intake", form), "/app/intake")
    spouse = {**PEOPLE[5].patient_json(), "payer": "sandbox", "member_id": "ZZT0000002",
              "relationship": "spouse",
              **{f"subscriber_{k}": v for k, v in PEOPLE[4].subscriber_json().items()}}
    queue += visit(post(client, "/app/intake", spouse), "/app/intake")
    found = post(client, "/app/clients/search", {"q": PEOPLE[0].last_name})
    assert PEOPLE[0].first_name in found.text  # found, in the page's body only
    queue += visit(found, "/app/clients/search")
    for error in ({"first_name": ""}, {"member_id": "*"}):
        visit(post(client, "/app/intake", {**spouse, **error}), "/app/intake")
    # When every page reachable from there is opened
    queue += ["/app/", "/app/alerts", "/app/dashboard", "/app/users", "/app/intake"]
    opened: set[str] = set()
    while queue:
        url = queue.pop()
        if url in opened or len(opened) > 200:
            continue
        opened.add(url)
        response = client.get(url)
        queue += visit(response, url)
    # Then no URL had a query string or patient data, and the client pages were among them
    assert sum("/app/clients/" in url for url in opened) >= 6
    assert sum("/app/checks/" in url for url in opened) >= 6
    assert sum(url.endswith("/vob.pdf") for url in pdfs) >= 6
    assert [url for url in seen if urlsplit(url).query] == []
    assert [url for url in seen if leaks(url)] == []


def test_a_name_search_is_only_taken_as_a_post(app):
    practice_id, _ = new_practice(app)
    client = signed_in_client(app, practice_id)
    answer = client.get("/app/clients/search", query_string={"q": PEOPLE[0].last_name})
    assert answer.status_code == 405
