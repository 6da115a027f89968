package account

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/seedpod/seedpod/storage"
)

// Session lifetimes. A session that is not remembered lives in a browser
// cookie without Max-Age (gone when the browser closes) and its record
// expires after a day at most.
const (
	shortSession = 24 * time.Hour
	longSession  = 14 * 24 * time.Hour
)

// NewSession starts a session for account id and returns its token (the
// cookie value, and the CSS-Account-Token of the JSON API) and when it
// expires. Only a hash of the token is stored.
func (s *Service) NewSession(ctx context.Context, id string, remember bool) (token string, expires time.Time, err error) {
	if err := s.setup(ctx); err != nil {
		return "", time.Time{}, err
	}
	a, err := s.Account(ctx, id)
	if err != nil {
		return "", time.Time{}, err
	}
	life := shortSession
	if remember {
		life = longSession
	}
	token = randomToken(32)
	expires = time.Now().Add(life).UTC().Truncate(time.Second)
	rec := sessionRecord{Account: id, Epoch: a.Epoch, Expires: expires}
	if err := s.writeJSON(ctx, sessionKey(token), rec, storage.Conditions{IfNoneMatch: "*"}); err != nil {
		return "", time.Time{}, fmt.Errorf("account: new session: %w", err)
	}
	return token, expires, nil
}

func sessionKey(token string) storage.Key { return sessionsKey + storage.Key(hashKey(token)) }

// SessionAccount returns the account of a session token; ErrNotFound if
// the token is unknown, expired, logged out, or older than the account's
// last password change. It reads storage every time, so a logout in one
// process ends the session in all of them at once.
func (s *Service) SessionAccount(ctx context.Context, token string) (*Account, error) {
	if token == "" || len(token) > 256 {
		return nil, ErrNotFound
	}
	var rec sessionRecord
	if _, err := s.readJSON(ctx, sessionKey(token), &rec); err != nil {
		return nil, err
	}
	if time.Now().After(rec.Expires) {
		s.store.Delete(ctx, sessionKey(token), storage.Conditions{})
		return nil, ErrNotFound
	}
	a, err := s.Account(ctx, rec.Account)
	if err != nil {
		return nil, err
	}
	if a.Epoch != rec.Epoch {
		s.store.Delete(ctx, sessionKey(token), storage.Conditions{})
		return nil, ErrNotFound
	}
	return a, nil
}

// EndSession logs the session token out. An unknown token is not an error.
func (s *Service) EndSession(ctx context.Context, token string) error {
	if token == "" || len(token) > 256 {
		return nil
	}
	err := s.store.Delete(ctx, sessionKey(token), storage.Conditions{})
	if err != nil && !errors.Is(err, storage.ErrNotExist) {
		return fmt.Errorf("account: end session: %w", err)
	}
	return nil
}
