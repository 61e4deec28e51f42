"""The audit trail made readable (api/audit_view.py): people named, one row per site in the province's
order with its attempts, a site's acknowledgement listed once; and the Temporal Web UI linked only where
configured."""

from __future__ import annotations

from datetime import datetime, timedelta

from api.audit_view import Person, person, readable, site_order, sites_once
from api.schemas import CaseHistory, DeliveryPublic, HistoryEntry
from config.settings import Settings, get_settings
from store.models import Application

AT = datetime(2026, 5, 6, 9, 30)
APP = Application(id="a", subject_key="91320100MA1XXXXX0X", subject_name="南京示例科技有限公司", channel="online",
                  filed_by="applicant:x", filed_by_role="applicant", contact_phone="13800138000", filed_at=AT)


def _delivery(n: int, target: str, name: str, outcome: str | None) -> HistoryEntry:
    return HistoryEntry(event_id=n, at=AT + timedelta(minutes=n), event_type="delivery_scheduled", action="repair",
                        target=target, target_name=name, outcome=outcome)


def test_people_are_named_where_the_platform_knows_a_name():
    start = HistoryEntry(event_id=1, at=AT, event_type="workflow_started", actor="applicant:x", actor_role="applicant")
    decided = HistoryEntry(event_id=2, at=AT, event_type="decision", actor="caseworker:320100-tax",
                           actor_role="caseworker", action="accept")
    counter = HistoryEntry(event_id=3, at=AT, event_type="workflow_started", actor="window:nj-07", actor_role="window")
    assert person(start, APP, "") == Person("申请人：南京示例科技有限公司", "applicant:x")
    assert person(decided, APP, "国家税务总局南京市税务局").name == "国家税务总局南京市税务局经办人"
    assert person(counter, APP, "").name == "窗口工作人员（代办）"
    assert person(HistoryEntry(event_id=4, at=AT, event_type="timer_fired"), APP, "") is None
    named = decided.model_copy(update={"actor_name": "张明"})
    assert person(named, APP, "国家税务总局南京市税务局").name == "国家税务总局南京市税务局经办人：张明"
    at_counter = APP.model_copy(update={"filed_by": "window:nj-07", "filed_by_name": "王晓敏"})
    assert person(counter, at_counter, "") == Person("窗口工作人员：王晓敏（代办）", "window:nj-07")


def test_one_row_per_site_in_the_provinces_order_with_its_attempts():
    events = [_delivery(1, "city_320100", "信用南京", "failed: 拒收"),
              _delivery(2, "creditchina_js", "信用中国(江苏)", "acknowledged"),
              HistoryEntry(event_id=3, at=AT, event_type="decision", action="resync"),
              _delivery(4, "city_320100", "信用南京", "acknowledged")]
    trail = CaseHistory(case_id="c", workflow_id="case-c", run_id="r", temporal_ui_url="http://ui", events=events)
    shown = readable(trail, site_order(get_settings()), APP, "")
    assert [s.name for s in shown.sites] == ["信用中国(江苏)", "信用南京"]
    assert [a.outcome for a in shown.sites[1].attempts] == ["failed: 拒收", "acknowledged"]
    assert shown.sites[1].last.outcome == "acknowledged"
    assert [s.entry.action for s in shown.steps] == ["resync"]


def test_an_acknowledgement_is_listed_once_per_site():
    d = [DeliveryPublic(target="city_320100", target_name="信用南京", acknowledged_at=AT),
         DeliveryPublic(target="creditchina_js", target_name="信用中国(江苏)", acknowledged_at=AT),
         DeliveryPublic(target="city_320100", target_name="信用南京", acknowledged_at=AT + timedelta(hours=1))]
    once = sites_once(d, site_order(get_settings()))
    assert [x.target for x in once] == ["creditchina_js", "city_320100"]
    assert once[1].acknowledged_at == AT + timedelta(hours=1)


def test_the_temporal_ui_is_linked_only_where_configured():
    assert Settings(env="development").links_temporal_ui
    assert not Settings(env="test").links_temporal_ui
    assert Settings(env="test", temporal_ui_shown=True).links_temporal_ui
    assert not Settings(env="development", temporal_ui_shown=False).links_temporal_ui
