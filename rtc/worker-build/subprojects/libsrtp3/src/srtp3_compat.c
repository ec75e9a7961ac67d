/*
 * VectorDesk offline shim: the libsrtp 3 calls the mediasoup worker makes,
 * implemented over Debian's libsrtp 2.
 *
 * This file includes only libsrtp2's header. The libsrtp 3 side of each
 * function is declared here with the vd3_* types below, which mirror the
 * layouts of ../include/srtp.h (what the worker compiles against):
 *   - srtp_policy_t is an opaque pointer (struct vd_srtp3_policy);
 *   - srtp_ssrc_t, srtp_profile_t, srtp_event_data_t and the error codes have
 *     the same layout and values in libsrtp 2 and 3;
 *   - protect/unprotect take separate input and output buffers and size_t
 *     lengths; libsrtp 2 works in place with int lengths, so the input is
 *     copied to the output buffer (after checking its capacity) first.
 * MKI is not supported (the worker never uses it).
 */
#include <srtp2/srtp.h>

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define VD3_ERR_BUFFER_SMALL 28 /* srtp_err_status_buffer_small in libsrtp 3 */
#define VD3_SRTCP_INDEX_LEN 4

typedef struct {
    int type; /* srtp_ssrc_type_t */
    unsigned int value;
} vd3_ssrc_t;

typedef struct {
    srtp_t session;
    uint32_t ssrc;
    srtp_event_t event;
} vd3_event_data_t;

typedef void(vd3_event_handler_func_t)(vd3_event_data_t *data);

struct vd_srtp3_policy {
    srtp_policy_t policy; /* libsrtp 2 policy, filled in step by step */
    bool has_profile;
    bool has_key;
    srtp_profile_t profile;
    unsigned char key[SRTP_MAX_KEY_LEN]; /* master key followed by master salt */
};

static vd3_event_handler_func_t *vd3_event_handler = NULL;

static void vd3_on_srtp2_event(srtp_event_data_t *data)
{
    vd3_event_data_t event;

    if (vd3_event_handler == NULL || data == NULL)
        return;
    event.session = data->session;
    event.ssrc = data->ssrc;
    event.event = data->event;
    vd3_event_handler(&event);
}

srtp_err_status_t vd_srtp3_init(void) { return srtp_init(); }

srtp_err_status_t vd_srtp3_shutdown(void) { return srtp_shutdown(); }

const char *vd_srtp3_get_version_string(void) { return srtp_get_version_string(); }

srtp_err_status_t vd_srtp3_install_event_handler(vd3_event_handler_func_t func)
{
    vd3_event_handler = func;
    return srtp_install_event_handler(func != NULL ? vd3_on_srtp2_event : NULL);
}

size_t vd_srtp3_profile_get_master_key_length(srtp_profile_t profile)
{
    return srtp_profile_get_master_key_length(profile);
}

size_t vd_srtp3_profile_get_master_salt_length(srtp_profile_t profile)
{
    return srtp_profile_get_master_salt_length(profile);
}

srtp_err_status_t vd_srtp3_policy_create(struct vd_srtp3_policy **policy)
{
    if (policy == NULL)
        return srtp_err_status_bad_param;
    *policy = calloc(1, sizeof(struct vd_srtp3_policy));
    if (*policy == NULL)
        return srtp_err_status_alloc_fail;
    return srtp_err_status_ok;
}

void vd_srtp3_policy_destroy(struct vd_srtp3_policy *policy)
{
    if (policy == NULL)
        return;
    /* The key material is secret: clear it before freeing. */
    memset(policy, 0, sizeof(*policy));
    free(policy);
}

srtp_err_status_t vd_srtp3_policy_set_ssrc(struct vd_srtp3_policy *policy, vd3_ssrc_t ssrc)
{
    if (policy == NULL)
        return srtp_err_status_bad_param;
    policy->policy.ssrc.type = (srtp_ssrc_type_t)ssrc.type;
    policy->policy.ssrc.value = ssrc.value;
    return srtp_err_status_ok;
}

srtp_err_status_t vd_srtp3_policy_set_profile(struct vd_srtp3_policy *policy, srtp_profile_t profile)
{
    srtp_err_status_t err;

    if (policy == NULL)
        return srtp_err_status_bad_param;
    err = srtp_crypto_policy_set_from_profile_for_rtp(&policy->policy.rtp, profile);
    if (err != srtp_err_status_ok)
        return err;
    err = srtp_crypto_policy_set_from_profile_for_rtcp(&policy->policy.rtcp, profile);
    if (err != srtp_err_status_ok)
        return err;
    policy->profile = profile;
    policy->has_profile = true;
    return srtp_err_status_ok;
}

srtp_err_status_t vd_srtp3_policy_add_key(struct vd_srtp3_policy *policy,
                                          const uint8_t *key, size_t key_len,
                                          const uint8_t *salt, size_t salt_len,
                                          const uint8_t *mki, size_t mki_len)
{
    (void)mki;
    if (policy == NULL || key == NULL || (salt == NULL && salt_len > 0))
        return srtp_err_status_bad_param;
    /* One master key, no MKI: all the worker uses. */
    if (policy->has_key || mki_len != 0)
        return srtp_err_status_bad_param;
    if (key_len + salt_len > sizeof(policy->key))
        return srtp_err_status_bad_param;
    if (policy->has_profile &&
        (key_len != srtp_profile_get_master_key_length(policy->profile) ||
         salt_len != srtp_profile_get_master_salt_length(policy->profile)))
        return srtp_err_status_bad_param;
    memcpy(policy->key, key, key_len);
    if (salt_len > 0)
        memcpy(policy->key + key_len, salt, salt_len);
    policy->policy.key = policy->key;
    policy->has_key = true;
    return srtp_err_status_ok;
}

srtp_err_status_t vd_srtp3_policy_set_allow_repeat_tx(struct vd_srtp3_policy *policy, bool allow)
{
    if (policy == NULL)
        return srtp_err_status_bad_param;
    policy->policy.allow_repeat_tx = allow ? 1 : 0;
    return srtp_err_status_ok;
}

srtp_err_status_t vd_srtp3_policy_set_window_size(struct vd_srtp3_policy *policy, size_t window_size)
{
    /* Same bounds as libsrtp: 0 (default) or 64 .. 0x8000. */
    if (policy == NULL || (window_size != 0 && (window_size < 64 || window_size >= 0x8000)))
        return srtp_err_status_bad_param;
    policy->policy.window_size = (unsigned long)window_size;
    return srtp_err_status_ok;
}

srtp_err_status_t vd_srtp3_create(srtp_t *session, const struct vd_srtp3_policy *policy)
{
    srtp_policy_t copy;

    if (session == NULL)
        return srtp_err_status_bad_param;
    if (policy == NULL)
        return srtp_create(session, NULL);
    if (!policy->has_profile || !policy->has_key)
        return srtp_err_status_bad_param;
    /* libsrtp 2 derives the session keys inside srtp_create(), so the policy
     * (and the key it points to) only has to live for this call. */
    copy = policy->policy;
    copy.key = (unsigned char *)policy->key;
    copy.keys = NULL;
    copy.num_master_keys = 0;
    copy.next = NULL;
    return srtp_create(session, &copy);
}

srtp_err_status_t vd_srtp3_dealloc(srtp_t session) { return srtp_dealloc(session); }

srtp_err_status_t vd_srtp3_stream_remove(srtp_t session, uint32_t ssrc)
{
    /* Both APIs take the SSRC in network byte order. */
    return srtp_remove_stream(session, ssrc);
}

typedef srtp_err_status_t (*vd3_in_place_fn)(srtp_t ctx, void *hdr, int *len_ptr);

/* Copies the packet into the output buffer (unless it is already there),
 * after checking that the buffer can hold it plus what libsrtp 2 may add, then
 * runs the in-place libsrtp 2 function on it. */
static srtp_err_status_t vd3_run(vd3_in_place_fn fn, srtp_t ctx,
                                 const uint8_t *in, size_t in_len,
                                 uint8_t *out, size_t *out_len, size_t growth)
{
    srtp_err_status_t err;
    int len;

    if (in == NULL || out == NULL || out_len == NULL)
        return srtp_err_status_bad_param;
    if (in_len > (size_t)INT_MAX - growth)
        return srtp_err_status_bad_param;
    if (*out_len < in_len + growth)
        return (srtp_err_status_t)VD3_ERR_BUFFER_SMALL;
    if (out != in)
        memmove(out, in, in_len);
    len = (int)in_len;
    err = fn(ctx, out, &len);
    if (err != srtp_err_status_ok)
        return err;
    *out_len = (size_t)len;
    return srtp_err_status_ok;
}

srtp_err_status_t vd_srtp3_protect(srtp_t ctx, const uint8_t *rtp, size_t rtp_len,
                                   uint8_t *srtp, size_t *srtp_len, size_t mki_index)
{
    if (mki_index != 0)
        return srtp_err_status_bad_mki;
    return vd3_run(srtp_protect, ctx, rtp, rtp_len, srtp, srtp_len, SRTP_MAX_TRAILER_LEN);
}

srtp_err_status_t vd_srtp3_unprotect(srtp_t ctx, const uint8_t *srtp, size_t srtp_len,
                                     uint8_t *rtp, size_t *rtp_len)
{
    return vd3_run(srtp_unprotect, ctx, srtp, srtp_len, rtp, rtp_len, 0);
}

srtp_err_status_t vd_srtp3_protect_rtcp(srtp_t ctx, const uint8_t *rtcp, size_t rtcp_len,
                                        uint8_t *srtcp, size_t *srtcp_len, size_t mki_index)
{
    if (mki_index != 0)
        return srtp_err_status_bad_mki;
    return vd3_run(srtp_protect_rtcp, ctx, rtcp, rtcp_len, srtcp, srtcp_len,
                   SRTP_MAX_TRAILER_LEN + VD3_SRTCP_INDEX_LEN);
}

srtp_err_status_t vd_srtp3_unprotect_rtcp(srtp_t ctx, const uint8_t *srtcp, size_t srtcp_len,
                                          uint8_t *rtcp, size_t *rtcp_len)
{
    return vd3_run(srtp_unprotect_rtcp, ctx, srtcp, srtcp_len, rtcp, rtcp_len, 0);
}
