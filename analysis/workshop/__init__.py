"""The workshop app's package: a teaching web app to try a policy on a simulated street."""
