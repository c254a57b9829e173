"""Generated postal work for the demo, the screenshots and the benchmarks: a day, and months of history."""
