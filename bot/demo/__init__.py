"""Demo data for the sandbox: a roster of the fictitious 白庙社区 and the guided tour."""
