"""KoboToolbox submissions pulled or received by webhook into the import pipeline."""
