/* auth.c — password hashing, secrets and their digests, users and tokens. */
#include "service/auth.h"

#include <pthread.h>
#include <pwquality.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

enum cvom_status cvom__auth_init(void)
{
    return sodium_init() < 0 ? CVOM_EIO : CVOM_OK;
}

/* cracklib, under libpwquality, is not documented as safe to call from several threads at
 * once; passwords are set rarely enough that one at a time costs nothing. */
static pthread_mutex_t quality_lock = PTHREAD_MUTEX_INITIALIZER;

/* libpwquality's verdict on password: 0, or a status with its reason in err. The
 * system's /etc/security/pwquality.conf applies when there is one. */
static enum cvom_status quality(const char *password, const char *user, struct cvom_error *err)
{
    pwquality_settings_t *pwq = pwquality_default_settings();
    if (!pwq)
        return cvom_error_set(err, CVOM_ENOMEM, "not enough memory to check the password");
    void *aux = NULL;
    char buf[PWQ_MAX_ERROR_MESSAGE_LEN];
    const char *why = "";
    pthread_mutex_lock(&quality_lock);
    pwquality_read_config(pwq, NULL, NULL); /* no file: the defaults */
    int rc = pwquality_check(pwq, password, NULL, user, &aux);
    /* cracklib's word (untranslated in the C locale) for a dictionary it cannot open */
    int missing =
        rc == PWQ_ERROR_CRACKLIB_CHECK && aux && strcmp(aux, "error loading dictionary") == 0;
    if (rc < 0)
        why = pwquality_strerror(buf, sizeof buf, rc, aux); /* buf, or a constant */
    pthread_mutex_unlock(&quality_lock);
    pwquality_free_settings(pwq);
    if (rc >= 0)
        return CVOM_OK;
    if (missing)
        return cvom_error_set(err, CVOM_EIO,
                              "the password cannot be checked: %s (is cracklib-runtime "
                              "installed?)",
                              why);
    return cvom_error_set(err, CVOM_EINVAL, "this password is too easy to guess: %s", why);
}

enum cvom_status cvom__password_check(const char *password, const char *user,
                                      struct cvom_error *err)
{
    size_t n = strnlen(password, CVOM_PASSWORD_MAX + 1);
    if (n < CVOM_PASSWORD_MIN)
        return cvom_error_set(err, CVOM_EINVAL, "passwords need at least %d characters",
                              CVOM_PASSWORD_MIN);
    if (n > CVOM_PASSWORD_MAX)
        return cvom_error_set(err, CVOM_EINVAL, "passwords are at most %d characters",
                              CVOM_PASSWORD_MAX);
    return quality(password, user, err);
}

enum cvom_status cvom__password_hash(const char *password, const char *user,
                                     char out[CVOM_SECRET_MAX], struct cvom_error *err)
{
    enum cvom_status s = cvom__password_check(password, user, err);
    if (s)
        return s;
    size_t n = strlen(password);
    char h[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(h, password, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        return cvom_error_set(err, CVOM_ENOMEM, "not enough memory to hash the password");
    snprintf(out, CVOM_SECRET_MAX, "%s", h);
    return CVOM_OK;
}

int cvom__password_verify(const char *hash, const char *password)
{
    size_t n = strnlen(password, CVOM_PASSWORD_MAX + 1);
    if (!hash[0] || n > CVOM_PASSWORD_MAX)
        return 0;
    return crypto_pwhash_str_verify(hash, password, n) == 0;
}

void cvom__secret_new(char secret[CVOM_SECRET_CHARS])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(secret, CVOM_SECRET_CHARS, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
}

void cvom__secret_digest(const char *secret, char out[CVOM_DIGEST_HEX])
{
    unsigned char d[32];
    crypto_generichash(d, sizeof d, (const unsigned char *)secret, strlen(secret), NULL, 0);
    sodium_bin2hex(out, CVOM_DIGEST_HEX, d, sizeof d);
}

static int name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64)
        return 0;
    for (; *s; s++) {
        char c = *s;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-' || c == '@'))
            return 0;
    }
    return 1;
}

enum cvom_status cvom__user_create(struct cvom_store *st, const char *name, const char *display,
                                   enum cvom_role role, const char *password, int64_t now,
                                   struct cvom_user *out, struct cvom_error *err)
{
    if (!name_ok(name))
        return cvom_error_set(err, CVOM_EINVAL,
                              "user names are 1-64 letters, digits, '.', '_', '-' or '@'");
    if ((unsigned)role >= CVOM_ROLE_COUNT)
        return cvom_error_set(err, CVOM_EINVAL, "unknown role");
    struct cvom_user u = {.role = role, .created = now};
    snprintf(u.name, sizeof u.name, "%s", name);
    snprintf(u.display, sizeof u.display, "%s", display && display[0] ? display : name);
    enum cvom_status s = password ? cvom__password_hash(password, name, u.password, err) : CVOM_OK;
    if (!s)
        s = st->ops->user_add(st, &u, err);
    sodium_memzero(u.password, sizeof u.password);
    if (!s && out) {
        *out = u;
        st->ops->user_get(st, u.id, out, NULL);
    }
    return s;
}

enum cvom_status cvom__token_create(struct cvom_store *st, int64_t user_id, const char *name,
                                    int64_t now, char secret[CVOM_SECRET_CHARS],
                                    struct cvom_error *err)
{
    if (!name[0] || strlen(name) >= CVOM_FIELD_MAX)
        return cvom_error_set(err, CVOM_EINVAL, "a token needs a name of at most %d bytes",
                              CVOM_FIELD_MAX - 1);
    struct cvom_token t = {.user_id = user_id, .created = now};
    snprintf(t.name, sizeof t.name, "%s", name);
    char s[CVOM_SECRET_CHARS];
    cvom__secret_new(s);
    cvom__secret_digest(s, t.hash);
    enum cvom_status status = st->ops->token_add(st, &t, err);
    if (!status)
        memcpy(secret, s, CVOM_SECRET_CHARS);
    sodium_memzero(s, sizeof s);
    return status;
}
