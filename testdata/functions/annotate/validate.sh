#!/bin/sh
# Exec KRM function (test): a validator that accepts everything (returns its input).
cat
