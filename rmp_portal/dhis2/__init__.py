"""Figures sent to DHIS2 as a dataValueSets payload: codes, periods, dry runs."""
