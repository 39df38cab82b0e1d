"""Case simulations: a branching situation a trainee (or a whole room) plays.

- :mod:`abitare.cases.schema`: the case file format, its loader and its checks
  (every ending reachable, no dead end, a recommended path);
- :mod:`abitare.cases.run`: playing a case, step by step, with its state;
- :mod:`abitare.cases.store`: the choices saved, and what a class chose;
- :mod:`abitare.cases.graph`: the case drawn as a graph, for its authors.

The case played by a whole room in a live session is in :mod:`abitare.practice.roomcase`.
"""
