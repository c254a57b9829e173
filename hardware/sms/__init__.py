"""SMS gateways (log, Twilio-compatible REST, SMPP 3.4) and the inbound webhook: the sockets and servers
behind the domain's `station.notify.gateway.Gateway` protocol."""
