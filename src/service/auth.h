/* auth.h — people and secrets, for both faces: argon2id password hashes, random secrets
 * for sessions, tokens and links, their digests (only digests are stored), and creating
 * users and API tokens with the checks that go with them. libsodium does the cryptography. */
#ifndef CVOM_SERVICE_AUTH_H
#define CVOM_SERVICE_AUTH_H

#include "store/store.h"

#define CVOM_SECRET_CHARS 44 /* 32 random bytes in URL-safe base64, with the NUL */
#define CVOM_PASSWORD_MIN 10
#define CVOM_PASSWORD_MAX 256

/* Must be called once before anything else here; CVOM_EIO if libsodium cannot start. */
enum cvom_status cvom__auth_init(void);

/* Whether password is good enough to set for the user named user (NULL when not known):
 * CVOM_EINVAL for one shorter than CVOM_PASSWORD_MIN or longer than CVOM_PASSWORD_MAX, or
 * one that libpwquality refuses (a dictionary word, a palindrome, too simple, the user's
 * name in some form …), with libpwquality's reason in err; CVOM_EIO when the check itself
 * cannot run (no cracklib dictionary). */
enum cvom_status cvom__password_check(const char *password, const char *user,
                                      struct cvom_error *err);
/* An argon2id hash string of a password that passes cvom__password_check(password, user).
 * Its statuses, and CVOM_ENOMEM if hashing ran out of memory. */
enum cvom_status cvom__password_hash(const char *password, const char *user,
                                     char out[CVOM_SECRET_MAX], struct cvom_error *err);
/* 1 when password matches hash (constant time), 0 otherwise. */
int cvom__password_verify(const char *hash, const char *password);

/* A new random secret and the hex digest under which it is stored. */
void cvom__secret_new(char secret[CVOM_SECRET_CHARS]);
void cvom__secret_digest(const char *secret, char out[CVOM_DIGEST_HEX]);

/* Create a user; the password may be NULL (the user cannot sign in until one is set).
 * display defaults to name. Names: 1–64 of letters, digits, '.', '_', '-', '@'. */
enum cvom_status cvom__user_create(struct cvom_store *st, const char *name, const char *display,
                                   enum cvom_role role, const char *password, int64_t now,
                                   struct cvom_user *out, struct cvom_error *err);
/* Create an API token for user; secret receives the token, shown once, never stored. */
enum cvom_status cvom__token_create(struct cvom_store *st, int64_t user_id, const char *name,
                                    int64_t now, char secret[CVOM_SECRET_CHARS],
                                    struct cvom_error *err);

#endif
