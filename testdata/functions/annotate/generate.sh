#!/bin/sh
# Exec KRM function (test): ignores its input and returns a ResourceList with one ConfigMap.
cat >/dev/null
cat <<'YAML'
apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: generated
  data:
    from: function
YAML
