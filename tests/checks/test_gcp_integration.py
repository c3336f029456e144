"""SIEM integration (IN) GCP checks: log streaming and findings export."""

from __future__ import annotations

from typing import Any

from ir_assessor_checks.gcp import integration as integ

from tests.checks.test_gcp_fixtures import ORG, PROJECT, gcp, held, one
from tests.factories import findings, statuses

TOPIC = f"projects/{PROJECT}/topics/siem"


def sink(name: str, destination: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"id": f"//logging.googleapis.com/{ORG}/sinks/{name}", "name": name, **held(ORG),
                            "destination": destination, "filter": "", "exclusions": [], "disabled": False,
                            "include_children": True, "writer_identity": "serviceAccount:w@x"}
    data.update(overrides)
    return data


def topic() -> dict[str, Any]:
    return {"id": f"//pubsub.googleapis.com/{TOPIC}", "name": "siem", "project_id": PROJECT}


def subscription(topic_path: str = TOPIC) -> dict[str, Any]:
    return {"id": f"//pubsub.googleapis.com/projects/{PROJECT}/subscriptions/splunk", "name": "splunk",
            "project_id": PROJECT, "topic": topic_path, "push_endpoint": None}


PUBSUB = f"pubsub.googleapis.com/{TOPIC}"
BIGQUERY = "bigquery.googleapis.com/projects/acme-logging/datasets/audit"


class TestSiemPubsubSink:
    def test_sink_to_a_read_topic_passes(self) -> None:
        """An org sink to a topic with a subscription passes."""
        snap = gcp({"gcp.logging.sink": [sink("siem", PUBSUB)], "gcp.pubsub.topic": [topic()],
                    "gcp.pubsub.subscription": [subscription()]})
        result = one(findings(integ.siem_pubsub_sink, snap), "pass")
        assert "outside this snapshot" not in result.message

    def test_topic_in_another_project_passes_with_a_note(self) -> None:
        """A topic outside the snapshot cannot be checked for readers; the sink is the evidence."""
        snap = gcp({"gcp.logging.sink": [sink("siem", "pubsub.googleapis.com/projects/central/topics/t")],
                    "gcp.pubsub.topic": [], "gcp.pubsub.subscription": []})
        result = one(findings(integ.siem_pubsub_sink, snap), "pass")
        assert result.evidence["subscription_not_verified"] == ["projects/central/topics/t"]

    def test_topic_nobody_reads_fails(self) -> None:
        """A visible topic without a subscription streams to nobody."""
        snap = gcp({"gcp.logging.sink": [sink("siem", PUBSUB)], "gcp.pubsub.topic": [topic()],
                    "gcp.pubsub.subscription": [subscription("projects/proj-x/topics/other")]})
        assert "nothing subscribes" in one(findings(integ.siem_pubsub_sink, snap), "fail").message

    def test_bigquery_only_fails_and_names_the_destination(self) -> None:
        """An aggregated sink to BigQuery alone does not reach the SIEM."""
        snap = gcp({"gcp.logging.sink": [sink("org-audit", BIGQUERY)]})
        result = one(findings(integ.siem_pubsub_sink, snap), "fail")
        assert result.evidence["destinations"] == [f"{BIGQUERY} (org-audit on {ORG})"]

    def test_filtered_stream_is_partial(self) -> None:
        """A stream whose filter may drop audit logs is partial."""
        snap = gcp({"gcp.logging.sink": [sink("siem", PUBSUB, filter="severity>=ERROR")]})
        assert statuses(findings(integ.siem_pubsub_sink, snap)) == ["partial"]


class TestFindingsNotification:
    def config(self, topic_path: str | None) -> dict[str, Any]:
        return {"id": f"//securitycenter.googleapis.com/{ORG}/notificationConfigs/siem", **held(ORG),
                "pubsub_topic": topic_path, "filter": 'state="ACTIVE"'}

    def test_config_with_topic_passes_and_none_fails(self) -> None:
        """A notification config with a topic passes; none fails."""
        assert statuses(findings(integ.findings_notification,
                                 gcp({"gcp.scc.notification_config": [self.config(TOPIC)]}))) == ["pass"]
        assert statuses(findings(integ.findings_notification,
                                 gcp({"gcp.scc.notification_config": [self.config(None)]}))) == ["fail"]
