"""The further GCP checks: Data Access logs kept, central archive, export CMEK, Log Analytics and incident
contacts."""

from __future__ import annotations

from typing import Any

from ir_assessor_checks.gcp import log_routing, support

from tests.checks.test_gcp_fixtures import FOLDER, NUMBER, ORG, OTHER_FOLDER, PROJECT, denied, gcp, held, one
from tests.factories import findings, statuses

OWN = f"projects/{NUMBER}"
DEFAULT_FILTER = ('NOT LOG_ID("cloudaudit.googleapis.com/activity") AND NOT LOG_ID("externalaudit.googleapis.com/'
                  'activity") AND NOT LOG_ID("cloudaudit.googleapis.com/system_event")')
REQUIRED_FILTER = 'LOG_ID("cloudaudit.googleapis.com/activity") OR LOG_ID("cloudaudit.googleapis.com/system_event")'
CENTRAL_BQ = "bigquery.googleapis.com/projects/acme-logging/datasets/audit"


def sink(name: str, scope: str = ORG, destination: str = CENTRAL_BQ, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": f"//logging.googleapis.com/{scope}/sinks/{name}", "name": name, **held(scope),
        "destination": destination, "filter": "", "exclusions": [], "disabled": False,
        "include_children": scope != OWN, "writer_identity": "serviceAccount:w@example.iam.gserviceaccount.com",
    }
    data.update(overrides)
    return data


def default_sink(**overrides: Any) -> dict[str, Any]:
    bucket = f"logging.googleapis.com/projects/{PROJECT}/locations/global/buckets/_Default"
    return sink("_Default", OWN, bucket, **{"filter": DEFAULT_FILTER, "writer_identity": None, **overrides})


def required_sink() -> dict[str, Any]:
    bucket = f"logging.googleapis.com/projects/{PROJECT}/locations/global/buckets/_Required"
    return sink("_Required", OWN, bucket, filter=REQUIRED_FILTER, writer_identity=None)


def exclusion(text: str, disabled: bool = False) -> dict[str, Any]:
    return {"name": "cost-cut", "filter": text, "disabled": disabled}


def log_bucket(name: str, analytics: bool = False, project: str = PROJECT) -> dict[str, Any]:
    return {"id": f"//logging.googleapis.com/projects/{project}/locations/global/buckets/{name}", "name": name,
            "project_id": project, "parent": OWN, "location": "global", "region": "global", "retention_days": 30,
            "locked": False, "cmek_key_name": None, "lifecycle_state": "ACTIVE", "analytics_enabled": analytics}


def gcs(name: str, key: str | None = None) -> dict[str, Any]:
    return {"id": f"//storage.googleapis.com/{name}", "name": name, "project_id": PROJECT, "location": "eu",
            "location_type": "multi-region", "region": "eu", "data_locations": [], "retention_period_days": None,
            "retention_locked": False, "versioning": False, "default_kms_key": key, "labels": {}}


def dataset(name: str, key: str | None = None) -> dict[str, Any]:
    return {"id": f"//bigquery.googleapis.com/projects/{PROJECT}/datasets/{name}", "name": name,
            "project_id": PROJECT, "location": "eu", "region": "eu", "default_kms_key": key, "labels": {}}


def topic(name: str, key: str | None = None) -> dict[str, Any]:
    return {"id": f"//pubsub.googleapis.com/projects/{PROJECT}/topics/{name}", "name": name, "project_id": PROJECT,
            "kms_key_name": key, "allowed_persistence_regions": [], "labels": {}}


def contact(scope: str, email: str, categories: list[str], state: str = "VALID") -> dict[str, Any]:
    return {"id": f"//essentialcontacts.googleapis.com/{scope}/contacts/{email.split('@')[0]}",
            **held(scope), "email": email, "notification_categories": categories, "validation_state": state}


KEY = f"projects/{PROJECT}/locations/europe-west1/keyRings/logs/cryptoKeys/export"


class TestDataAccessLogsKept:
    def test_untouched_default_sink_passes(self) -> None:
        """The stock _Default filter only leaves out Admin Activity and System Event logs."""
        snap = gcp({"gcp.logging.sink": [required_sink(), default_sink()]})
        found = findings(log_routing.data_access_logs_kept, snap)
        result = one(found, "pass")
        assert result.resource_id == f"//logging.googleapis.com/{OWN}/sinks/_Default"
        assert result.evidence["sinks"][f"//logging.googleapis.com/{OWN}/sinks/_Required"].startswith("not kept")

    def test_exclusion_of_data_access_on_default_fails(self) -> None:
        """A cost-cutting exclusion naming data_access throws the entries away: fail."""
        for text in ('LOG_ID("cloudaudit.googleapis.com/data_access")',
                     'logName:"cloudaudit.googleapis.com%2Fdata_access"',
                     'logName:"projects/proj-x/logs/cloudaudit.googleapis.com"'):
            snap = gcp({"gcp.logging.sink": [required_sink(), default_sink(exclusions=[exclusion(text)])]})
            result = one(findings(log_routing.data_access_logs_kept, snap), "fail")
            assert "exclusion cost-cut drops them" in result.evidence["sinks"][
                f"//logging.googleapis.com/{OWN}/sinks/_Default"], text

    def test_filter_negating_data_access_fails(self) -> None:
        """Adding NOT LOG_ID(".../data_access") to the _Default filter also drops them."""
        flt = DEFAULT_FILTER + ' AND NOT LOG_ID("cloudaudit.googleapis.com/data_access")'
        snap = gcp({"gcp.logging.sink": [default_sink(filter=flt)]})
        assert statuses(findings(log_routing.data_access_logs_kept, snap)) == ["fail"]

    def test_disabled_default_and_no_other_sink_fails(self) -> None:
        """A disabled _Default routes nothing, so nothing stores Data Access logs."""
        snap = gcp({"gcp.logging.sink": [required_sink(), default_sink(disabled=True)]})
        assert statuses(findings(log_routing.data_access_logs_kept, snap)) == ["fail"]
        alone = one(findings(log_routing.data_access_logs_kept, gcp({"gcp.logging.sink": []})), "fail")
        assert "not stored anywhere" in alone.message

    def test_other_exclusions_are_partial(self) -> None:
        """An exclusion that does not name audit logs may still match some of them: partial, not pass."""
        for text in ('resource.type="k8s_container" AND severity<=DEBUG',
                     'NOT logName:"projects/proj-x/logs/cloudaudit.googleapis.com"'):
            snap = gcp({"gcp.logging.sink": [default_sink(exclusions=[exclusion(text)])]})
            assert one(findings(log_routing.data_access_logs_kept, snap), "partial").coverage == 0.5, text

    def test_disabled_exclusion_is_ignored(self) -> None:
        """A disabled exclusion drops nothing."""
        text = 'LOG_ID("cloudaudit.googleapis.com/data_access")'
        snap = gcp({"gcp.logging.sink": [default_sink(exclusions=[exclusion(text, disabled=True)])]})
        assert statuses(findings(log_routing.data_access_logs_kept, snap)) == ["pass"]

    def test_aggregated_audit_sink_keeps_them_despite_default_exclusion(self) -> None:
        """An org sink selecting every cloudaudit log stores them even when _Default excludes them."""
        text = 'LOG_ID("cloudaudit.googleapis.com/data_access")'
        sinks = [default_sink(exclusions=[exclusion(text)]),
                 sink("org-audit", filter='logName:"cloudaudit.googleapis.com"')]
        result = one(findings(log_routing.data_access_logs_kept, gcp({"gcp.logging.sink": sinks})), "pass")
        assert result.resource_id == f"//logging.googleapis.com/{ORG}/sinks/org-audit"

    def test_activity_only_or_sibling_sinks_do_not_count(self) -> None:
        """A sink selecting only Admin Activity, or one on a sibling folder, does not keep Data Access logs."""
        sinks = [sink("activity", filter='LOG_ID("cloudaudit.googleapis.com/activity")'),
                 sink("sibling", OTHER_FOLDER)]
        assert statuses(findings(log_routing.data_access_logs_kept, gcp({"gcp.logging.sink": sinks}))) == ["fail"]

    def test_sinks_not_collected_are_unknown(self) -> None:
        """Without the sinks nothing can be said."""
        found = findings(log_routing.data_access_logs_kept, gcp())
        assert "was not collected" in str(one(found, "unknown").reason)


class TestCentralArchiveProject:
    def test_org_sink_to_logging_project_passes(self) -> None:
        """An aggregated audit sink writing to another project passes."""
        found = findings(log_routing.central_archive_project, gcp({"gcp.logging.sink": [sink("org-audit")]}))
        assert "another project" in one(found, "pass").message

    def test_project_sink_into_itself_fails(self) -> None:
        """A project sink writing to a dataset (by project id) or a bucket of the same project fails."""
        sinks = [sink("local-bq", OWN, f"bigquery.googleapis.com/projects/{PROJECT}/datasets/logs"),
                 sink("local-gcs", OWN, "storage.googleapis.com/proj-x-logs")]
        snap = gcp({"gcp.logging.sink": sinks, "gcp.storage.bucket": [gcs("proj-x-logs")]})
        result = one(findings(log_routing.central_archive_project, snap), "fail")
        assert all(v.startswith("inside") for v in result.evidence["destinations"].values())

    def test_bucket_missing_from_this_project_is_outside(self) -> None:
        """A Cloud Storage destination not among this project's buckets belongs to another project."""
        snap = gcp({"gcp.logging.sink": [sink("org-gcs", destination="storage.googleapis.com/central-logs")],
                    "gcp.storage.bucket": [gcs("proj-x-data")]})
        assert statuses(findings(log_routing.central_archive_project, snap)) == ["pass"]

    def test_unreadable_buckets_make_a_storage_destination_unknown(self) -> None:
        """Without the bucket list the destination's project is not known: unknown with the reason."""
        snap = gcp({"gcp.logging.sink": [sink("org-gcs", destination="storage.googleapis.com/central-logs")]},
                   errors=[denied("gcp.storage.bucket")])
        assert "cloudasset:ListAssets failed" in str(one(findings(log_routing.central_archive_project, snap),
                                                         "unknown").message)

    def test_narrowed_export_is_partial(self) -> None:
        """An export out of the project whose filter may drop audit logs is partial."""
        snap = gcp({"gcp.logging.sink": [sink("errors", filter="severity>=ERROR")]})
        assert one(findings(log_routing.central_archive_project, snap), "partial").coverage == 0.5

    def test_central_logging_project_itself_passes(self) -> None:
        """The project that receives the aggregated sink is the archive."""
        org = sink("org-audit", destination=f"logging.googleapis.com/projects/{PROJECT}/locations/eu/buckets/audit")
        found = findings(log_routing.central_archive_project, gcp({"gcp.logging.sink": [org]}))
        assert "central archive" in one(found, "pass").message

    def test_only_built_in_sinks_fail(self) -> None:
        """_Default and _Required keep logs in the project: no archive outside it."""
        snap = gcp({"gcp.logging.sink": [required_sink(), default_sink()]})
        assert statuses(findings(log_routing.central_archive_project, snap)) == ["fail"]

    def test_sinks_not_collected_are_unknown(self) -> None:
        """Missing sink data gives unknown."""
        assert statuses(findings(log_routing.central_archive_project, gcp())) == ["unknown"]


class TestExportDestinationCmek:
    def test_mixed_keys_are_partial(self) -> None:
        """One destination with a customer key and one without is half covered."""
        sinks = [sink("to-gcs", OWN, "storage.googleapis.com/proj-x-logs"),
                 sink("to-bq", OWN, f"bigquery.googleapis.com/projects/{NUMBER}/datasets/logs")]
        snap = gcp({"gcp.logging.sink": sinks, "gcp.storage.bucket": [gcs("proj-x-logs", KEY)],
                    "gcp.bigquery.dataset": [dataset("logs")], "gcp.pubsub.topic": []})
        result = one(findings(log_routing.export_destination_cmek, snap), "partial")
        assert result.coverage == 0.5
        assert result.evidence["non_compliant"] == [f"//bigquery.googleapis.com/projects/{PROJECT}/datasets/logs"]

    def test_all_keyed_passes_and_unkeyed_topic_fails(self) -> None:
        """A keyed topic passes; the same topic on Google-managed keys fails."""
        sinks = [sink("siem", OWN, f"pubsub.googleapis.com/projects/{PROJECT}/topics/siem")]
        keyed = gcp({"gcp.logging.sink": sinks, "gcp.pubsub.topic": [topic("siem", KEY)]})
        plain = gcp({"gcp.logging.sink": sinks, "gcp.pubsub.topic": [topic("siem")]})
        assert statuses(findings(log_routing.export_destination_cmek, keyed)) == ["pass"]
        assert statuses(findings(log_routing.export_destination_cmek, plain)) == ["fail"]

    def test_destinations_elsewhere_are_not_applicable(self) -> None:
        """Destinations in other projects are judged there; log buckets by bucket_cmek."""
        sinks = [sink("org-audit"), default_sink(), sink("gcs", destination="storage.googleapis.com/central")]
        snap = gcp({"gcp.logging.sink": sinks, "gcp.storage.bucket": [], "gcp.bigquery.dataset": []})
        assert statuses(findings(log_routing.export_destination_cmek, snap)) == ["not_applicable"]

    def test_missing_dataset_in_this_project_is_unknown(self) -> None:
        """A destination named in this project but absent from the snapshot is unknown, not a pass."""
        sinks = [sink("to-bq", OWN, f"bigquery.googleapis.com/projects/{PROJECT}/datasets/gone")]
        snap = gcp({"gcp.logging.sink": sinks, "gcp.bigquery.dataset": []})
        assert "not in the snapshot" in str(one(findings(log_routing.export_destination_cmek, snap), "unknown").message)

    def test_unreadable_destination_type_is_unknown_beside_judged_ones(self) -> None:
        """An unreadable Pub/Sub inventory gives unknown for topics while buckets are still judged."""
        sinks = [sink("to-gcs", OWN, "storage.googleapis.com/proj-x-logs"),
                 sink("siem", OWN, f"pubsub.googleapis.com/projects/{PROJECT}/topics/siem")]
        snap = gcp({"gcp.logging.sink": sinks, "gcp.storage.bucket": [gcs("proj-x-logs", KEY)]},
                   errors=[denied("gcp.pubsub.topic")])
        assert statuses(findings(log_routing.export_destination_cmek, snap)) == ["pass", "unknown"]


class TestLogAnalytics:
    def test_bigquery_audit_sink_passes(self) -> None:
        """An aggregated audit sink to BigQuery makes the logs queryable with SQL."""
        found = findings(log_routing.log_analytics, gcp({"gcp.logging.sink": [sink("org-audit")],
                                                   "gcp.logging.bucket": []}))
        assert one(found, "pass").resource_id == f"//logging.googleapis.com/{ORG}/sinks/org-audit"

    def test_default_bucket_with_analytics_passes(self) -> None:
        """_Default upgraded to Log Analytics counts: its content is known."""
        snap = gcp({"gcp.logging.sink": [default_sink()], "gcp.logging.bucket": [log_bucket("_Default", True)]})
        assert statuses(findings(log_routing.log_analytics, snap)) == ["pass"]

    def test_plain_buckets_fail(self) -> None:
        """Buckets without Log Analytics and no BigQuery sink fail; an unfed analytics bucket does not help."""
        snap = gcp({"gcp.logging.sink": [required_sink(), default_sink()],
                    "gcp.logging.bucket": [log_bucket("_Required"), log_bucket("_Default"),
                                           log_bucket("unused", True)]})
        result = one(findings(log_routing.log_analytics, snap), "fail")
        assert result.evidence["analytics_buckets"] == [
            f"//logging.googleapis.com/projects/{PROJECT}/locations/global/buckets/unused"]

    def test_narrowed_bigquery_sink_is_partial(self) -> None:
        """A BigQuery sink whose filter may leave audit logs out is partial."""
        snap = gcp({"gcp.logging.sink": [sink("errors", filter="severity>=ERROR")], "gcp.logging.bucket": []})
        assert one(findings(log_routing.log_analytics, snap), "partial").coverage == 0.5

    def test_bucket_in_another_project_is_unknown(self) -> None:
        """A log bucket in the central project cannot be seen from here: unknown."""
        org = sink("org-audit", destination="logging.googleapis.com/projects/acme-logging/locations/eu/buckets/a")
        snap = gcp({"gcp.logging.sink": [org, default_sink()], "gcp.logging.bucket": [log_bucket("_Default")]})
        assert "assess that project too" in str(one(findings(log_routing.log_analytics, snap), "unknown").message)

    def test_unreadable_buckets_are_unknown_unless_bigquery_proves_it(self) -> None:
        """Denied log buckets give unknown with the reason; a BigQuery audit sink still passes."""
        denial = [denied("gcp.logging.bucket")]
        local = gcp({"gcp.logging.sink": [default_sink()]}, errors=denial)
        both = gcp({"gcp.logging.sink": [default_sink(), sink("org-audit")]}, errors=denial)
        assert "could not be read" in str(one(findings(log_routing.log_analytics, local), "unknown").message)
        assert statuses(findings(log_routing.log_analytics, both)) == ["pass"]

    def test_no_sinks_collected_is_unknown(self) -> None:
        """Missing sink data gives unknown."""
        assert statuses(findings(log_routing.log_analytics, gcp())) == ["unknown"]


class TestIncidentContact:
    def test_technical_and_suspension_pass(self) -> None:
        """TECHNICAL on the organisation and SUSPENSION on the folder together pass."""
        contacts = [contact(ORG, "noc@acme.example", ["TECHNICAL"]),
                    contact(FOLDER, "soc@acme.example", ["SUSPENSION", "SECURITY"])]
        result = one(findings(support.incident_contact, gcp({"gcp.essentialcontacts.contact": contacts})), "pass")
        assert result.evidence["suspension_contacts"] == [f"soc@acme.example ({FOLDER})"]

    def test_all_category_covers_both(self) -> None:
        """ALL includes technical incidents and suspension notices."""
        snap = gcp({"gcp.essentialcontacts.contact": [contact(ORG, "ops@acme.example", ["ALL"])]})
        assert statuses(findings(support.incident_contact, snap)) == ["pass"]

    def test_one_category_is_partial(self) -> None:
        """Only TECHNICAL_INCIDENTS registered: suspension notices have no contact."""
        snap = gcp({"gcp.essentialcontacts.contact": [contact(ORG, "noc@acme.example", ["TECHNICAL_INCIDENTS"])]})
        result = one(findings(support.incident_contact, snap), "partial")
        assert "suspension" in result.message

    def test_security_only_invalid_or_sibling_contacts_fail(self) -> None:
        """SECURITY-only, invalid and sibling-folder contacts leave both notices unrouted."""
        contacts = [contact(ORG, "soc@acme.example", ["SECURITY"]),
                    contact(ORG, "old@acme.example", ["ALL"], state="INVALID"),
                    contact(OTHER_FOLDER, "other@acme.example", ["ALL"])]
        snap = gcp({"gcp.essentialcontacts.contact": contacts})
        assert statuses(findings(support.incident_contact, snap)) == ["fail"]

    def test_denied_contacts_are_unknown(self) -> None:
        """A denied contacts list gives unknown naming the operation."""
        snap = gcp(errors=[denied("gcp.essentialcontacts.contact", service="essentialcontacts",
                                  operation="organizations.contacts.list")])
        assert "organizations.contacts.list" in str(one(findings(support.incident_contact, snap), "unknown").reason)
