"""A district's recent field work for the regulator's spot checks: trips on the demo task, some carrying open
findings (as the engine would have left them), built as rows."""
from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select

from models import Finding, MonitoringTask, SamplingTrip, User, Visit, clock

# what the engine records for each code used here (the desk words every finding from its evidence)
EVIDENCE = {
    "outside_fence": lambda day: {"check_in": 0, "kind": "arrival", "distance_m": 850, "fence_m": 300,
                                  "person": "张伟"},
    "photo_reused": lambda day: {"photo": 0, "sha256": "0" * 64, "others": [{"photo": 0, "subject": "trip:0"}]},
    "after_departure": lambda day: {"confirmation": 0, "decided_at": f"{day.isoformat()}T12:00:00+08:00",
                                    "departure": f"{day.isoformat()}T11:00:00+08:00"},
}


def trips_with_findings(runtime, plan: list[list[tuple[str, str]]], task_id: int | None = None,
                        sampler: str = "sampler1") -> list[int]:
    """One trip per entry of `plan` (on the demo task, or `task_id`), each with its [(code, severity), …] open
    findings; their ids in order."""
    with runtime.sessions() as s:
        task = s.get(MonitoringTask, task_id) if task_id else \
            s.scalars(select(MonitoringTask).order_by(MonitoringTask.id)).first()
        started_by = s.scalars(select(User).where(User.username == sampler)).one()
        ids = []
        for n, findings in enumerate(plan):
            visit = Visit(task=task, day=clock.today() - timedelta(days=n + 1), starts=time(9), ends=time(11),
                          ref=f"SC-{n:03d}" if task_id is None else f"SC-{task_id}-{n:03d}")
            trip = SamplingTrip(visit=visit, started_by_id=started_by.id, state="submitted")
            s.add(trip)
            s.flush()
            s.add_all(Finding(trip_id=trip.id, code=code, instance=str(k), severity=severity,
                              evidence=EVIDENCE[code](visit.day))
                      for k, (code, severity) in enumerate(findings))
            ids.append(trip.id)
        s.commit()
        return ids
