"""`invoke bench`: core (corpus, timed builds) is imported by each measurement module; run puts them together."""
