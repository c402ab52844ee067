"""Development only: scenarios and the demo world."""
