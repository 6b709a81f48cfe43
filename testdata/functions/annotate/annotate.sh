#!/bin/sh
# Exec KRM function (test): adds `team: web` to the annotations of every item (each item has
# annotations: the index annotations of the ResourceList protocol).
sed 's/^    annotations:$/    annotations:\
      team: web/'
