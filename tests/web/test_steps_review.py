"""Every pre-tender review step as every role (the shared role × step suite)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bidwatch.web.review import services
from bidwatch.web.review.models import Review
from bidwatch.web.review.workflow import WORKFLOW
from tests.web import review_docs
from tests.web.workflow_cases import WorkflowStepCases

D = dt.date.fromisoformat


@pytest.fixture(autouse=True)
def _in_process(settings: Any) -> None:
    settings.BIDWATCH_REVIEW_PARSE_IN_PROCESS = True  # hundreds of small generated files: no worker spawn


class TestReviewSteps(WorkflowStepCases):
    workflow = WORKFLOW
    # the department of the tender's unit revises; the campaign office reviews, decides and files
    allowed = {"start": {"office"}, "opinion": {"office"}, "decide": {"office"}, "revise": {"housing"},
               "file": {"office"}}
    data = {
        "start": {"on": "2025-02-21"},
        "opinion": {"on": "2025-02-21", "opinion": "pass_after_changes", "note": "删除"},
        "decide": {"on": "2025-02-21", "outcome": "pass_after_changes", "note": "修改后重新提交"},
        "revise": {"on": "2025-02-24", "note": "已删除"},
        "file": {"on": "2025-02-26", "tender_id": "T1"},
    }

    def form_data(self, step: str) -> dict[str, Any]:
        data = dict(self.data[step])
        if step == "opinion":
            data["finding"] = str(self.finding)
        if step == "revise":  # a fresh upload for every POST
            data["file"] = review_docs.upload(review_docs.revised(), "修改稿.docx")
        return data

    def make(self, users: dict[str, Any], step: str) -> Review:
        r = services.submit(users["housing"], review_docs.upload(review_docs.draft()), title="某区安置房一标段施工",
                            kind="tender_document", on=D("2025-02-20"))
        finding = r.current.findings.get()
        self.finding = finding.pk
        if step in ("opinion", "decide", "revise", "file"):
            services.start(r, users["office"], D("2025-02-21"))
        if step in ("decide", "revise", "file"):
            services.opinion(r, users["office"], D("2025-02-21"), finding,
                             "pass" if step == "file" else "pass_after_changes")
        if step == "revise":
            services.decide(r, users["office"], D("2025-02-21"), "pass_after_changes")
        if step == "file":
            services.decide(r, users["office"], D("2025-02-21"), "pass")
        return r
