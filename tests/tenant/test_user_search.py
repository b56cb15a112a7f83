"""`GET /api/v2/users?q=…` (management/user_search.py): the terms the tenant answers find exactly
the users they name, with plain HTTP and with auth0-python; any other query is a 400 that says
what is supported, never every user."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from actions_studio.tenant.errors import ApiError
from actions_studio.tenant.management import user_search


@pytest.fixture
def http(tenant):
    with tenant.http(tenant.management_token()) as client:
        yield client


@pytest.fixture
def people(http, tenant, unique):
    """Three users of one test: two share a prefix, one is blocked."""
    tag = unique("find")
    made = []
    for local, extra in ((f"{tag}-ann", {}), (f"{tag}-anna", {"blocked": True}), (f"{tag}-bob", {})):
        resp = http.post("/api/v2/users", json={"connection": tenant.creds["connection"],
                                                "email": f"{local}@search.example", "password": "a fine password",
                                                **extra})
        assert resp.status_code == 201, resp.text
        made.append(resp.json())
    yield tag, made
    for user in made:
        http.delete(f"/api/v2/users/{user['user_id']}")


def _found(http, q: str) -> set[str]:
    resp = http.get("/api/v2/users", params={"q": q, "search_engine": "v3", "per_page": 100})
    assert resp.status_code == 200, resp.text
    return {u["email"] for u in resp.json()}


def test_terms_find_exactly_the_users_they_name(http, tenant, people) -> None:
    tag, (ann, anna, bob) = people
    assert _found(http, f'email:"{ann["email"]}"') == {ann["email"]}
    assert _found(http, f'email:"{ann["email"].upper()}"') == {ann["email"]}      # emails ignore case
    assert _found(http, f"email:{tag}-ann*") == {ann["email"], anna["email"]}
    assert _found(http, f"email:{tag}-* AND blocked:true") == {anna["email"]}
    assert _found(http, f"email:{tag}-* blocked:false") == {ann["email"], bob["email"]}
    assert _found(http, f'user_id:"{bob["user_id"]}"') == {bob["email"]}
    assert _found(http, f'identities.connection:"{tenant.creds["connection"]}" AND email:{tag}-b*') == {bob["email"]}
    assert _found(http, f"email:{tag}-nobody@search.example") == set()
    # A prefix is a prefix, not a LIKE pattern: % and _ match themselves only.
    assert _found(http, "email:%*") == set() and _found(http, f"email:{tag[:1]}_*") == set()
    paged = http.get("/api/v2/users", params={"q": f"email:{tag}-*", "include_totals": "true"}).json()
    assert paged["total"] == 3 and len(paged["users"]) == 3


def test_auth0_python_searches_the_same_way(tenant, people) -> None:
    tag, (ann, anna, _) = people
    found = tenant.sdk().users.list(q=f"email:{tag}-ann*", search_engine="v3")
    assert {u.email for u in found} == {ann["email"], anna["email"]}


@pytest.mark.parametrize("q, says", [
    ("name:ann", "the field 'name' cannot be searched here"),
    ("app_metadata.plan:gold", "the field 'app_metadata.plan' cannot be searched here"),
    ("email:a@x.example OR email:b@x.example", "'OR' is not a field:value term"),
    ("NOT email:a@x.example", "'NOT' is not a field:value term"),
    ("ann", "'ann' is not a field:value term"),
    ("logins_count:[1 TO 5]", "'logins_count:[1' is not a field:value term"),
    ("email:(a OR b)", "'email:(a' is not a field:value term"),
    ("email:*@x.example", "a wildcard is allowed only at the end of a value"),
    ("email:a*b*", "a wildcard is allowed only at the end of a value"),
    ("blocked:maybe", "blocked is true or false"),
    ('email:"a\\b"', """'email:"a\\b"' is not a value this tenant can search for"""),
    ('email:""', """'email:""' is not a value this tenant can search for"""),
])
def test_a_query_the_tenant_cannot_answer_is_refused_not_ignored(http, people, q, says) -> None:
    resp = http.get("/api/v2/users", params={"q": q})
    assert resp.status_code == 400, resp.text
    body = resp.json()
    assert says in body["message"] and "field:value" in body["message"]


@settings(max_examples=300, deadline=None)
@given(st.from_regex(user_search.PATTERN, fullmatch=True))
def test_every_query_of_the_documented_pattern_is_answered(q: str) -> None:
    assert len(user_search.conditions(q)) == len(user_search._EACH.findall(q))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('emailuser_id:"* ANDOR()\\\tblocked.true')), max_size=40))
def test_any_other_query_is_refused_with_the_reason(q: str) -> None:
    assume(not user_search._WHOLE.fullmatch(q))
    with pytest.raises(ApiError) as refused:
        user_search.conditions(q)
    assert refused.value.status == 400 and refused.value.message.startswith("q: ")


def test_sort_orders_the_list_and_an_unknown_sort_is_refused(http, people) -> None:
    tag, made = people
    by_email = [u["email"] for u in http.get("/api/v2/users", params={
        "q": f"email:{tag}-*", "sort": "email:1"}).json()]
    assert by_email == sorted(u["email"] for u in made)
    newest_first = [u["user_id"] for u in http.get("/api/v2/users", params={
        "q": f"email:{tag}-*", "sort": "created_at:-1"}).json()]
    oldest_first = [u["user_id"] for u in http.get("/api/v2/users", params={
        "q": f"email:{tag}-*", "sort": "created_at:1"}).json()]
    assert newest_first == list(reversed(oldest_first)) or len(set(u["created_at"] for u in made)) < 3
    assert set(newest_first) == {u["user_id"] for u in made}
    for bad in ("name:1", "email:2", "email", "email:-1:x", ""):
        resp = http.get("/api/v2/users", params={"sort": bad})
        assert resp.status_code == 400 and "sort:" in resp.json()["message"] and "created_at" in resp.json()["message"]
