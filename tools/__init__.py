"""Tools beside the build: benchmarks, synthetic data, serving, releases, the data diff.
The build (scripts/) never imports them."""
