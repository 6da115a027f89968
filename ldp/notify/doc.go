// Package notify tells applications when resources change: the Solid
// Notifications Protocol 0.3 with its WebSocketChannel2023 and
// WebhookChannel2023 channel types, and the legacy solid-0.1 websocket
// that SolidOS and older apps use. It sits beside ldp in the request flow
// (oidc → ldp → acl → storage): ldp reports each change through
// ldp.Config.OnChange, and notify publishes it on the cluster Bus, so that
// every Seedpod process sharing the storage delivers it to the sockets
// connected to it. notify imports ldp; ldp knows notify only through the
// hooks in ldp.Config (OnChange, UpdatesVia, DescribeStorage).
//
// # URLs (B is the base URL)
//
//	B.notifications/WebSocketChannel2023/         subscription service (GET: description; POST: subscribe)
//	B.notifications/WebSocketChannel2023/{uuid}   a channel (DELETE: unsubscribe, by its creator)
//	B.notifications/WebhookChannel2023/           subscription service
//	B.notifications/WebhookChannel2023/{uuid}     a channel
//	ws(s)://…/.notifications/socket/{uuid}/{token}  receiveFrom of a WebSocketChannel2023 (capability URL)
//	ws(s)://…/.notifications/solid-0.1            the legacy websocket (Updates-Via)
//	B.notifications/jwks                          public keys that sign webhook deliveries
//	B.notifications/gateway, gateway/ws           Inrupt's notification gateway (gateway.go)
//
// Channels are records in storage under /.internal/notify/ (never served
// over HTTP), so any process can accept the receiveFrom socket or the
// DELETE of a channel another process created.
//
// # Messages
//
// Notifications Protocol §7 (Notification Data Model) and Activity Streams
// 2.0: a JSON-LD object with @context [as, notification/v1], id
// ("urn:uuid:…"), type Create, Update or Delete with object the topic and
// state its new ETag (none for Delete), or Add and Remove with object the
// child and target the container (the topic), and published. A container's
// ETag is a hash of its listing, so Add and Remove carry no state.
//
// # Webhook authentication
//
// The webhook channel specification leaves open how a receiver verifies
// the sender. Every delivery carries
//
//	Authorization: Bearer <JWT>
//
// a JWT signed with ES256 by a key of this server, whose public half is in
// the JWK Set at B.notifications/jwks (the JWT's kid names it). Claims:
// iss = B, aud = the sendTo URL, sub = the channel id, iat and exp (five
// minutes), jti = the notification id, and body_sha256 = the base64url
// SHA-256 of the request body. A receiver fetches the JWKS, checks the
// signature, iss, aud, exp and the body hash. The signing key is kept in
// storage (/.internal/notify/signing-key), so all processes sign alike.
package notify
