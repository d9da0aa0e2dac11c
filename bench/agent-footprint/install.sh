#!/usr/bin/env bash
# What the footprint bench compares against and uses as peers, from Debian packages (bench only, not CI):
# zabbix-agent2, prometheus-node-exporter, dnsmasq (DNS peer), openssl (TLS peer), rabbitmqadmin's python.
set -euo pipefail
packages=(zabbix-agent2 prometheus-node-exporter dnsmasq-base openssl python3)
dpkg -s "${packages[@]}" >/dev/null 2>&1 && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo=sudo
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${packages[@]}"
