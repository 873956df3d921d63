"""The SimPy model: the second layer of ``sim``.

The organisation (``organisation``, ``setting``), a request (``request``) and its life (``life``), one object
per mechanism (``demand``, ``hotline``, ``dispatch``, ``handling``, ``whistle`` with ``appraisal``,
``followup``, ``governance`` with ``ranking``, ``gridworker``), built and run by ``model``; a request's own
random draws (``draws``); the kernel pieces below them (``environment``, ``pool``, ``streams``,
``calendar``). The model reports what happens through the observer
protocol it defines itself (``observer``), and never reads an observer back.

Imports: ``sim.scenario`` only.
"""

from .model import Model
from .observer import Observer
from .setting import Setting

__all__ = ["Model", "Observer", "Setting"]
