"""An SLA in minutes on the time-skipping server: a complaint filed at 17:50 with a 30-minute
first reply (policy `{"minutes": 30}`) stops counting at 18:00 and resumes at 09:00 on the
next working day, so it is reminded at 09:20 then, not at 18:20."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta

from domain.calendar import calendar_for
from domain.commands import Command
from domain.models import Channel
from domain.policy import ProjectPolicy
from domain.service_models import ComplaintStart
from jindu.holidays import official_dates
from tests.workflows.harness import harness
from workflows.complaint import ComplaintWorkflow

POLICY = ProjectPolicy.model_validate({"slas": {"complaint_first_reply": {"minutes": 30}}})


async def test_thirty_minutes_from_1750_are_due_at_0920_the_next_working_day(own_skip_env):
    skip_env = own_skip_env
    now = (await skip_env.get_current_time()).astimezone(UTC)
    cal = calendar_for(POLICY.calendar, official_dates(now.year))
    day = cal.local_date(now) + timedelta(days=1)
    while not cal.is_working_day(day):
        day += timedelta(days=1)
    filed_at = datetime.combine(day, time(17, 50), cal.tz).astimezone(UTC)
    next_day = cal.next_working_day(day)
    expected = datetime.combine(next_day, time(9, 20), cal.tz).astimezone(UTC)

    async with harness(skip_env) as h:
        await skip_env.sleep(filed_at - now)
        cid = f"c-{uuid.uuid4().hex[:8]}"
        start = ComplaintStart(complaint_id=cid, channel=Channel.phone, filed_by=h.customer, filed_at=filed_at,
                               customer_user_id=h.customer.user_id, policy=POLICY,
                               calendar=official_dates(filed_at.year))  # fmt: skip
        handle = await h.client.start_workflow(ComplaintWorkflow.run, start, id=f"complaint-{cid}",
                                               task_queue=h.task_queue)  # fmt: skip
        h.handles.append(handle)
        await handle.execute_update(ComplaintWorkflow.sync, Command(actor=h.operations))
        state = await handle.query(ComplaintWorkflow.state)
        assert state.first_reply.due_at == expected
        assert state.first_reply_due_at.astimezone(cal.tz).time() == time(9, 20)

        await skip_env.sleep(expected - filed_at - timedelta(minutes=5))
        assert h.rec.of(f"complaint:{cid}", "reminder") == []
        await skip_env.sleep(timedelta(minutes=10))
        (reminder,) = h.rec.of(f"complaint:{cid}", "reminder")
        assert expected <= reminder.at < expected + timedelta(minutes=1)
        assert reminder.data["what"] == "complaint_first_reply"
