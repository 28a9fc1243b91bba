"""ComplaintWorkflow: one complaint from filing to the customer's confirmation (RULES
§Complaints and feedback). Workflow id `complaint-<complaint_id>`.

The rules are domain/complaints.py's; the workflow validates updates against them, records
each outcome (the `record_complaint` local activity), asks the complaint's project for
rectification tasks or to take the rating (`call_project`), sleeps until a deadline's next
reminder or escalation, and publishes itself to the Web UI (workflows/service_engine.py).
It carries ids, roles and staff names only: the content and contact stay in PostgreSQL.

Updates (validated first; a rejected update writes nothing; each answers a `ServiceAck`, a
reply and a confirmation what they made, domain/service_results.py): sync, reply, confirm
Query: state (the ComplaintState)
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain import complaints, service_results
    from domain.service_models import ComplaintStart, ConfirmCommand, ReplyCommand, ServiceAck
    from domain.service_state import ComplaintState
    from workflows.service_engine import ComplaintEngine


@workflow.defn
class ComplaintWorkflow(ComplaintEngine):
    @workflow.init
    def __init__(self, start: ComplaintStart) -> None:
        self.setup(start)

    @workflow.run
    async def run(self, start: ComplaintStart) -> ServiceAck:
        return await self.run_complaint()

    @workflow.query
    def state(self) -> ComplaintState:
        return self.subject

    @workflow.update
    async def reply(self, cmd: ReplyCommand) -> service_results.ComplaintReplied:
        return service_results.complaint_replied(*await self._answer(complaints.reply, cmd, self.after_reply))

    @reply.validator
    def _v_reply(self, cmd: ReplyCommand) -> None:
        self._check(lambda: complaints.check_reply(self.subject, cmd))

    @workflow.update
    async def confirm(self, cmd: ConfirmCommand) -> service_results.ComplaintConfirmed:
        return service_results.complaint_confirmed(*await self._answer(complaints.confirm, cmd, self.after_confirm))

    @confirm.validator
    def _v_confirm(self, cmd: ConfirmCommand) -> None:
        self._check(lambda: complaints.check_confirm(self.subject, cmd))
