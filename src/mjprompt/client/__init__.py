"""The evolink ``mj-v7`` API client (work in progress: the task model for now)."""

from __future__ import annotations

from .task import Task, TaskErrorInfo, task_id_problem

__all__ = ["Task", "TaskErrorInfo", "task_id_problem"]
