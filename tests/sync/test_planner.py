"""The three-way planner, table-driven: workspace × tenant × base → what the plan says."""

from __future__ import annotations

from dataclasses import replace

import pytest

from actions_studio.sync.model import (
    ActionBase,
    BaseSnapshot,
    Content,
    FlowBase,
    LocalAction,
    LocalSnapshot,
    LocalVersion,
    RemoteAction,
    RemoteSnapshot,
)
from actions_studio.sync.planner import PlanOptions, flow_key, plan, reconcile_pending

V1 = Content("def on_execute_post_login(event, api):\n    pass\n", "python3")
V2 = replace(V1, code=V1.code + "# v2\n")
V3 = replace(V1, code=V1.code + "# v3\n")
THEIRS = replace(V1, code=V1.code + "# edited elsewhere\n")


def local(draft=V1, versions=(V1,), name="a", id="L1") -> LocalAction:
    vs = tuple(LocalVersion(n, c) for n, c in enumerate(versions, 1))
    return LocalAction(id, name, "post-login", "v3", draft, vs, len(vs) or None)


def remote(draft=V1, deployed=V1, number=1, name="a", id="R1") -> RemoteAction:
    return RemoteAction(id, name, "post-login", "v3", draft, deployed if number else None,
                        number or None)


def base(draft=V1, versions=None, remote_number=1, name="a") -> ActionBase:
    return ActionBase("R1", name, draft, versions if versions is not None else {1: 1}, remote_number)


def one(l, r, b, **opts):
    snap_l = LocalSnapshot(tuple([l] if l else []), {})
    snap_r = RemoteSnapshot(tuple([r] if r else []), {})
    snap_b = BaseSnapshot({"L1": b} if b else {}, {})
    p = plan(snap_l, snap_r, snap_b, PlanOptions(**opts))
    actions = [i for i in p.items if i.kind == "action"]
    assert len(actions) == 1
    return actions[0], p


CASES = [
    # id, local, remote, base, options, expected change, expected step ops
    ("fresh action is created and its versions deployed",
     local(V2, (V1, V2)), None, None, {}, "create", ["create", "deploy", "deploy"]),
    ("never deployed: create only",
     local(V1, ()), None, None, {}, "create", ["create"]),
    ("draft ahead of the last version: create, deploy, update draft",
     local(V2, (V1,)), None, None, {}, "create", ["create", "deploy", "update_draft"]),
    ("nothing changed", local(), remote(), base(), {}, "nothing", []),
    ("draft edited in the workspace", local(V2), remote(), base(), {}, "update", ["update_draft"]),
    ("new local version", local(V2, (V1, V2)), remote(), base(), {}, "deploy", ["deploy"]),
    ("renamed in the workspace", local(name="b"), remote(), base(), {}, "update", ["update_draft"]),
    ("draft edited on the tenant", local(), remote(THEIRS), base(), {}, "pull", ["pull_action"]),
    ("deployed on the tenant", local(), remote(V1, V2, 2), base(), {}, "pull", ["pull_action"]),
    ("both edited: conflict", local(V2), remote(THEIRS), base(), {}, "conflict", []),
    ("both edited, keep mine", local(V2), remote(THEIRS), base(), {"prefer": "local"},
     "update", ["update_draft"]),
    ("both edited, take theirs", local(V2), remote(THEIRS), base(), {"prefer": "remote"},
     "pull", ["pull_action"]),
    ("both made the same edit", local(V2), remote(V2), base(), {}, "nothing", ["record_action"]),
    ("same on both sides, never synced: linked", local(), remote(), None, {}, "nothing",
     ["record_action"]),
    ("different on both sides, never synced: conflict", local(V2), remote(), None, {},
     "conflict", []),
    ("deleted in the workspace, no --delete", None, remote(), base(), {}, "nothing", []),
    ("deleted in the workspace, --delete", None, remote(), base(), {"delete": True},
     "delete", ["delete"]),
    ("deleted in the workspace, changed on the tenant, --delete: conflict",
     None, remote(THEIRS), base(), {"delete": True}, "conflict", []),
    ("only on the tenant, sync: nothing", None, remote(), None, {}, "nothing", []),
    ("only on the tenant, sync --delete", None, remote(), None, {"delete": True}, "delete", ["delete"]),
    ("only on the tenant, sync with import_remote: import", None, remote(), None,
     {"import_remote": True}, "import", ["import_action"]),
    ("only on the tenant, pull: import", None, remote(), None, {"mode": "pull"}, "import",
     ["import_action"]),
    ("workspace change in pull mode waits for sync", local(V2), remote(), base(),
     {"mode": "pull"}, "nothing", []),
    ("deleted on the tenant: conflict", local(), None, base(), {}, "conflict", []),
    ("deleted on the tenant, keep mine: created again", local(), None, base(),
     {"prefer": "local"}, "create", ["create", "deploy"]),
    ("gone on both sides: the base is forgotten", None, None, base(), {}, "nothing", ["forget"]),
    ("a secret name only on the tenant is not a change",
     local(), remote(replace(V1, secret_names=("EXTRA",))), base(), {}, "nothing", []),
    ("a secret name dropped in the workspace stays on the tenant: only recorded",
     local(V1, (V1,)), remote(replace(V1, secret_names=("K",)), replace(V1, secret_names=("K",))),
     base(replace(V1, secret_names=("K",))), {}, "update", ["record_draft"]),
    ("a secret name removed on the tenant is a change",
     local(replace(V1, secret_names=("K",)), (replace(V1, secret_names=("K",)),)),
     remote(V1, replace(V1, secret_names=("K",))),
     base(replace(V1, secret_names=("K",))), {}, "pull", ["pull_action"]),
]


@pytest.mark.parametrize("l, r, b, opts, change, ops", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_three_way_table(l, r, b, opts, change, ops) -> None:
    item, p = one(l, r, b, **opts)
    assert item.change == change, item.summary
    assert [s.op for s in item.steps] == ops
    if change != "conflict":
        assert [s.op for s in p.steps()] == ops


def test_deploy_steps_expect_consecutive_tenant_numbers() -> None:
    item, _ = one(local(V3, (V1, V2, V3)), remote(V1, V1, 4), base(V1, {1: 4}, 4))
    assert [(s.local_number, s.remote_number) for s in item.steps] == [(2, 5), (3, 6)]


def test_conflict_keeps_all_three_sides_for_the_diff() -> None:
    item, _ = one(local(V2), remote(THEIRS), base())
    assert (item.local, item.remote, item.base) == (V2, THEIRS, V1)
    assert "both" in (item.conflict or "") or "workspace and on the tenant" in (item.conflict or "")


def test_remote_only_secret_names_are_reported() -> None:
    item, _ = one(local(V2), remote(replace(V1, secret_names=("EXTRA",))), base())
    assert item.change == "update"
    assert any("EXTRA" in n for n in item.notes)


def test_secret_needs_name_every_pushed_secret() -> None:
    needs = replace(V1, secret_names=("API_KEY",))
    _, p = one(local(needs, (needs,)), None, None)
    assert p.secret_needs == {"L1": ("API_KEY",)}


def test_interrupted_deploy_is_adopted_not_a_conflict() -> None:
    # The deploy reached the tenant (number 2, content V2) but the confirmation was lost.
    pending = replace(base(), pending={"op": "deploy", "content": V2.to_doc(), "name": "a",
                                       "local_number": 2, "remote_number": 2})
    item, p = one(local(V2, (V1, V2)), remote(V2, V2, 2), pending)
    assert item.change == "nothing"
    assert p.bases["L1"].versions == {1: 1, 2: 2}


def test_interrupted_create_is_adopted() -> None:
    pending = ActionBase(None, "a", V1, pending={"op": "create", "content": V1.to_doc(), "name": "a"})
    item, _ = one(local(V1, (V1,)), remote(V1, None, 0), pending)
    assert [s.op for s in item.steps] == ["deploy"]


def test_create_that_never_happened_is_planned_again() -> None:
    pending = ActionBase(None, "a", V1, pending={"op": "create", "content": V1.to_doc(), "name": "a"})
    item, _ = one(local(V1, (V1,)), None, pending)
    assert [s.op for s in item.steps] == ["create", "deploy"]


def test_reconcile_leaves_an_unrelated_tenant_state_alone() -> None:
    pending = replace(base(), pending={"op": "update_draft", "content": V2.to_doc(), "name": "a"})
    assert reconcile_pending(pending, remote(THEIRS)).draft == V1


# -- flows -----------------------------------------------------------------------------------------

def flows(l_flow, r_flow, b_flow, **opts):
    acts_l = (local(id="L1", name="a"), local(id="L2", name="b"))
    acts_r = (remote(id="R1", name="a"), remote(id="R2", name="b"))
    bases = {"L1": replace(base(), remote_id="R1"), "L2": replace(base(name="b"), remote_id="R2")}
    p = plan(LocalSnapshot(acts_l, {"post-login": l_flow} if l_flow else {}),
             RemoteSnapshot(acts_r, {"post-login": r_flow} if r_flow else {}),
             BaseSnapshot(bases, {"post-login": FlowBase("post-login", b_flow)} if b_flow is not None else {}),
             PlanOptions(**opts))
    return p.item(flow_key("post-login")), p


FLOW_CASES = [
    ("bind a new flow", ("L1", "L2"), (), None, {}, "bind", "set_flow"),
    ("reorder", ("L2", "L1"), ("R1", "R2"), ("L1", "L2"), {}, "reorder", "set_flow"),
    ("unbind", ("L1",), ("R1", "R2"), ("L1", "L2"), {}, "unbind", "set_flow"),
    ("empty the flow", (), ("R1",), ("L1",), {}, "unbind", "set_flow"),
    ("tenant reordered", ("L1", "L2"), ("R2", "R1"), ("L1", "L2"), {}, "pull", "pull_flow"),
    ("both reordered differently", ("L2",), ("R2", "R1"), ("L1", "L2"), {}, "conflict", None),
    ("both reordered, keep mine", ("L2",), ("R2", "R1"), ("L1", "L2"), {"prefer": "local"},
     "unbind", "set_flow"),
    ("in sync", ("L1",), ("R1",), ("L1",), {}, "nothing", None),
]


@pytest.mark.parametrize("l_flow, r_flow, b_flow, opts, change, op", [c[1:] for c in FLOW_CASES],
                         ids=[c[0] for c in FLOW_CASES])
def test_flow_table(l_flow, r_flow, b_flow, opts, change, op) -> None:
    item, _ = flows(l_flow, r_flow, b_flow, **opts)
    assert item.change == change, item.summary
    assert [s.op for s in item.steps] == ([op] if op else [])


def test_steps_run_in_the_safe_order() -> None:
    # Action L2 is new (create + deploy), L1 leaves the flow, and a tenant-only action is deleted.
    acts_l = (local(id="L1", name="a"), local(id="L2", name="b"))
    bases = {"L1": base()}
    p = plan(LocalSnapshot(acts_l, {"post-login": ("L2",)}),
             RemoteSnapshot((remote(), remote(id="R9", name="old")), {"post-login": ("R1",)}),
             BaseSnapshot(bases, {"post-login": FlowBase("post-login", ("L1",))}),
             PlanOptions(delete=True))
    assert [s.op for s in p.steps()] == ["create", "deploy", "set_flow", "delete"]
    unbind_only = plan(LocalSnapshot(acts_l[:1], {}), RemoteSnapshot((remote(),), {"post-login": ("R1",)}),
                       BaseSnapshot(bases, {"post-login": FlowBase("post-login", ("L1",))}))
    assert [s.phase for s in unbind_only.steps()] == [2]


# -- bindings of deleted actions (issue 13, item 14) -----------------------------------------------

def deleted_here(r_flow, b_flow, **opts):
    """L1 was synced and then deleted in the workspace; the tenant binds it in `r_flow`."""
    acts_l = (local(id="L2", name="b"),)
    acts_r = (remote(id="R1", name="a"), remote(id="R2", name="b"))
    bases = {"L1": base(), "L2": replace(base(name="b"), remote_id="R2")}
    p = plan(LocalSnapshot(acts_l, {}), RemoteSnapshot(acts_r, {"post-login": r_flow}),
             BaseSnapshot(bases, {"post-login": FlowBase("post-login", b_flow)} if b_flow is not None else {}),
             PlanOptions(**opts))
    return p.item(flow_key("post-login")), p.item("L1"), p


def test_a_tenant_binding_of_a_deleted_action_never_reaches_the_workspace() -> None:
    flow, action, p = deleted_here(("R1",), None)
    assert flow.change == "nothing" and flow.steps == ()
    assert any("deleted in the workspace: left bound there" in n for n in flow.notes)
    assert action.change == "nothing"
    assert all(st.op != "pull_flow" or "L1" not in st.flow for st in p.steps())


def test_delete_unbinds_on_the_tenant_first_and_keeps_the_rest_of_its_order() -> None:
    flow, action, p = deleted_here(("R2", "R1"), None, delete=True)
    assert [(st.op, st.phase) for st in flow.steps] == [("pull_flow", 1), ("set_flow", 2)]
    pull, unbind = flow.steps
    assert pull.flow == ("L2",) and unbind.flow == ("L2",) and unbind.base_flow == ("L2",)
    assert "unbind a on the tenant before deleting it" in flow.summary
    assert [st.op for st in p.steps()] == ["pull_flow", "set_flow", "delete"]


def test_a_tenant_only_bound_action_is_unbound_before_its_delete() -> None:
    acts_r = (remote(id="R9", name="old"),)
    p = plan(LocalSnapshot((), {}), RemoteSnapshot(acts_r, {"post-login": ("R9",)}),
             BaseSnapshot({}, {}), PlanOptions(delete=True))
    assert [(st.op, st.flow) for st in p.steps()] == [("set_flow", ()), ("delete", ())]


def test_a_delete_waits_while_its_flow_is_in_a_conflict() -> None:
    # The workspace reordered, the tenant bound the deleted action: unresolved flow conflict.
    acts_l = (local(id="L2", name="b"), local(id="L3", name="c"))
    acts_r = (remote(id="R1", name="a"), remote(id="R2", name="b"), remote(id="R3", name="c"))
    bases = {"L1": base(), "L2": replace(base(name="b"), remote_id="R2"),
             "L3": replace(base(name="c"), remote_id="R3")}
    p = plan(LocalSnapshot(acts_l, {"post-login": ("L3", "L2")}),
             RemoteSnapshot(acts_r, {"post-login": ("R2", "R3", "R1")}),
             BaseSnapshot(bases, {"post-login": FlowBase("post-login", ("L2", "L3"))}),
             PlanOptions(delete=True))
    assert p.item(flow_key("post-login")).change == "conflict"
    held = p.item("L1")
    assert held.change == "nothing" and not held.steps
    assert "still bound in the tenant's post-login flow" in held.summary
    assert p.steps() == []


# -- runtimes the tenant runs (issue 17, part 2) ------------------------------------------------

NODE = Content("exports.onExecutePostLogin = async () => {};\n", "node22")
AUTH0_RUNTIMES = {("post-login", "v3"): ("node18-actions", "node22")}


@pytest.mark.parametrize("runtimes, content, refused", [
    (AUTH0_RUNTIMES, V1, True),                                  # python3 on Auth0
    (AUTH0_RUNTIMES, NODE, False),                               # node22 on Auth0
    ({("post-login", "v3"): ("node18-actions",)}, NODE, False),  # node18 runs on Node 22
    ({("post-login", "v3"): ("python3",)}, V1, False),           # the bundled tenant
    ({("post-login", "v2"): ("node22",)}, NODE, False),          # another version listed: its runtimes
    ({("credentials-exchange", "v2"): ("node22",)}, NODE, True),  # the trigger is not offered
    (None, V1, False),                                           # runtimes not read: no check
    ({("post-login", "v3"): ()}, V1, False),                     # listed without runtimes: no check
])
def test_an_action_in_a_runtime_the_tenant_does_not_run_is_refused(runtimes, content, refused) -> None:
    a = local(draft=content, versions=(content,))
    p = plan(LocalSnapshot((a,), {"post-login": ("L1",)}), RemoteSnapshot((), {}, runtimes),
             BaseSnapshot({}, {}))
    item = p.item("L1")
    assert (item.change == "refused") is refused
    assert (item.steps == ()) is refused
    flow = p.item(flow_key("post-login"))
    assert (flow.change == "nothing" and "cannot go to this tenant" in flow.summary) is refused
    if refused:
        assert p.steps() == [] and not p.in_sync and p.refused == (item,)


@pytest.mark.parametrize("tenant_runtime", ["node18", "node18-actions"])
@pytest.mark.parametrize("case", ["in sync", "only on the tenant", "changed on the tenant"])
def test_a_tenants_node18_action_says_auth0_deprecated_it_and_what_the_workspace_keeps(tenant_runtime, case) -> None:
    theirs = replace(RemoteAction("R1", "a", "post-login", "v3", NODE, NODE, 1), tenant_runtime=tenant_runtime)
    mine = local(NODE, (NODE,))
    if case == "in sync":
        item, _ = one(mine, theirs, base(NODE))
        assert item.change == "nothing"
    elif case == "only on the tenant":
        item, _ = one(None, theirs, None, mode="pull")
        assert item.change == "import"
    else:
        item, _ = one(mine, replace(theirs, draft=replace(NODE, code=NODE.code + "// theirs\n")), base(NODE))
        assert item.change == "pull"
    assert item.notes == (
        f"the tenant has it as {tenant_runtime}: Auth0 deprecated {tenant_runtime} (Node 18 gets no security "
        "fixes); it runs on Node 22, as Auth0 runs it once Node 18 is removed from a tenant. The workspace "
        "keeps it as node22; the next push of a change makes it node22 on the tenant",)


def test_a_tenants_node22_action_has_no_runtime_note() -> None:
    item, _ = one(local(NODE, (NODE,)), replace(RemoteAction("R1", "a", "post-login", "v3", NODE, NODE, 1),
                                                tenant_runtime="node22"), base(NODE))
    assert item.notes == ()


def test_a_first_push_keeps_to_the_tenants_version_cap() -> None:
    contents = [replace(NODE, code=NODE.code + f"// {n}\n") for n in range(1, 56)]
    a = local(draft=contents[-1], versions=tuple(contents))
    p = plan(LocalSnapshot((a,), {}), RemoteSnapshot((), {}, AUTH0_RUNTIMES), BaseSnapshot({}, {}))
    steps = p.item("L1").steps
    assert steps[0].op == "create" and steps[0].drop_local_numbers == (1, 2, 3, 4, 5)
    assert [s.local_number for s in steps if s.op == "deploy"] == list(range(6, 56))
    assert "v1–v5 stay in the workspace only" in p.item("L1").summary
