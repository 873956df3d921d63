"""Deprecated path, kept for one version: the engines are ``sim.experiment.engines`` since 0.7.0."""

from .experiment.engines import DaskEngine, EngineLost, LocalEngine

__all__ = ["DaskEngine", "EngineLost", "LocalEngine"]
