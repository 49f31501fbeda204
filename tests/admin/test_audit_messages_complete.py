"""Every audit event the application writes has a message in the registry (so the log reads
in Vietnamese), found by reading the source: each `record(...)`/`event_values(...)` call with
an `action=` and each `"_m": "…"` literal. A call without `params` would fall back to its English
summary, so every call passes them."""
import ast
import pathlib

from emulation.core.audit_messages import MESSAGES
from emulation.core.web import REFUSALS

ROOT = pathlib.Path(__file__).resolve().parents[2] / "emulation"
# Calls whose action is a variable passed through (wrappers); what they are given is checked
# where they are called.
PASS_THROUGH = {("core/audit.py", "action"), ("org/importers.py", "action"),
                ("core/web.py", "REFUSALS[status]")}
# Actions or message keys computed from a value: every key they can make.
COMPUTED = {
    "f'job.{state}'": ["job.queued", "job.running", "job.done", "job.failed", "job.expired"],
    "f'import.{kind}'": ["import.appraisals", "import.initiatives", "import.disciplines",
                         "import.awards"],
    "'scoring.adjustment:' + ('bonus' if points > 0 else 'penalty')": [
        "scoring.adjustment:bonus", "scoring.adjustment:penalty"],
}


def _calls():
    """(file, line, action expression, the params expression or None) of every audit call."""
    for path in sorted(ROOT.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            keywords = {k.arg: k.value for k in node.keywords}
            if name in ("record", "event_values") and "action" in keywords:
                yield (str(path.relative_to(ROOT)), node.lineno, keywords["action"],
                       keywords.get("params"))
            elif name == "_audit_row" and len(node.args) > 1:  # the people import's rows
                yield (str(path.relative_to(ROOT)), node.lineno, node.args[1],
                       keywords.get("params"))


def _m_values():
    for path in sorted(ROOT.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    if isinstance(key, ast.Constant) and key.value == "_m":
                        yield str(path.relative_to(ROOT)), node.lineno, value


def _keys(expr) -> list[str] | None:
    """The message keys an expression can be; None when it cannot be read."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [expr.value]
    if isinstance(expr, ast.IfExp):
        body, orelse = _keys(expr.body), _keys(expr.orelse)
        return None if body is None or orelse is None else body + orelse
    return COMPUTED.get(ast.unparse(expr))


def _has_m(params) -> bool:
    return isinstance(params, ast.Dict) and any(
        isinstance(k, ast.Constant) and k.value == "_m" for k in params.keys)


def test_the_scan_finds_the_audit_calls():
    calls = list(_calls())
    assert len(calls) > 100
    assert any(f == "core/settings.py" for f, *_ in calls)
    assert any(f == "org/importers.py" and ast.unparse(a) == "'import.people'"
               for f, _line, a, _p in calls)


def test_every_audit_call_has_a_message_and_its_values():
    missing = []
    for file, line, action, params in _calls():
        where = f"{file}:{line}"
        if (file, ast.unparse(action)) in PASS_THROUGH:
            continue
        if params is None:
            missing.append(f"{where}: no params")
            continue
        if _has_m(params):
            continue  # its `_m` is checked below
        keys = _keys(action)
        if keys is None:
            missing.append(f"{where}: action {ast.unparse(action)} cannot be read")
            continue
        missing += [f"{where}: no message {k}" for k in keys if k not in MESSAGES]
    assert missing == []


def test_every_message_key_named_by_m_exists():
    missing = []
    for file, line, value in _m_values():
        keys = _keys(value)
        if keys is None:
            missing.append(f"{file}:{line}: _m {ast.unparse(value)} cannot be read")
            continue
        missing += [f"{file}:{line}: no message {k}" for k in keys if k not in MESSAGES]
    assert missing == []


def test_refusals_have_messages():
    assert all(action in MESSAGES for action in REFUSALS.values())


def test_a_new_call_without_message_would_fail():
    """The check itself: an unknown action literal is reported."""
    call = ast.parse('audit.record(s, actor=a, action="nothing.known", params={})').body[0].value
    assert _keys(call.keywords[1].value) == ["nothing.known"]
    assert "nothing.known" not in MESSAGES


def test_every_action_and_record_type_has_a_label(app):
    """The log's "Action" and "Record type" columns never show a code word: every action the
    source writes, every `<record>.<state>` action and every table has a label."""
    from flask_babel import force_locale

    from emulation.core.audit import action_label, record_type_label
    from emulation.core.audit_messages import STATE_ACTIONS
    from emulation.core.models import Base

    actions = {k for _f, _l, action, _p in _calls() for k in (_keys(action) or [])}
    actions |= set(REFUSALS.values()) | {"import.people", "person.create", "person.update",
                                        "report.evidence", "campaign.attach",
                                        "nomination.attach"}
    with app.test_request_context(), force_locale("vi"):
        for record, (_type, labels_name) in STATE_ACTIONS.items():
            actions |= {f"{record}.{state}" for state in app.jinja_env.globals[labels_name]}
        unlabelled = sorted(a for a in actions if action_label(a) == a)
        types = set(Base.metadata.tables) | {"system"}
        untyped = sorted(t for t in types if record_type_label(t) == t)
        assert action_label("nomination.returned") == "Hồ sơ đề nghị: Bị trả lại"
        assert action_label("certificate_style.attach") == "Đính kèm tệp: Mẫu in bằng, giấy khen"
        assert record_type_label("person") == "Cá nhân"
        assert action_label("gone.away") == "gone.away"
    assert unlabelled == [] and untyped == []
