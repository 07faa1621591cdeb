"""The task queue in tests: the immediate queue runs a task at once, its retries wait."""

from huey.contrib.djhuey import HUEY


def run_scheduled_retries() -> int:
    """Run the retries the queue holds as the consumer would once their time comes."""
    tasks = HUEY.scheduled()
    HUEY.storage.flush_schedule()
    for task in tasks:
        HUEY.execute(task, timestamp=task.eta)
    return len(tasks)
