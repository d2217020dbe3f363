"""What the tests share: the harness and the small roster's people (`harness`), and the helpers and data of each
capability's tests. Test modules import from here, never from one another."""
