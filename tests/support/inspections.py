"""A district's recent field work for the regulator's spot checks: trips on the demo task, some carrying open
findings (as the engine would have left them), built as rows."""
from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select

from models import Finding, MonitoringTask, SamplingTrip, User, Visit
from services import clock


def trips_with_findings(runtime, plan: list[list[tuple[str, str]]]) -> list[int]:
    """One trip per entry of `plan`, each with its [(code, severity), …] open findings; their ids in order."""
    with runtime.sessions() as s:
        task = s.scalars(select(MonitoringTask).order_by(MonitoringTask.id)).first()
        sampler = s.scalars(select(User).where(User.username == "sampler1")).one()
        ids = []
        for n, findings in enumerate(plan):
            visit = Visit(task=task, day=clock.today() - timedelta(days=n + 1), starts=time(9), ends=time(11),
                          ref=f"SC-{n:03d}")
            trip = SamplingTrip(visit=visit, started_by_id=sampler.id, state="submitted")
            s.add(trip)
            s.flush()
            s.add_all(Finding(trip_id=trip.id, code=code, instance=str(k), severity=severity, evidence={})
                      for k, (code, severity) in enumerate(findings))
            ids.append(trip.id)
        s.commit()
        return ids
