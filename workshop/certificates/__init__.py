"""Coach-training tracks and verifiable PDF certificates."""
