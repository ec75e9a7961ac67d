/*
 * VectorDesk offline shim: the subset of the libsrtp 3 API used by the
 * mediasoup worker, implemented over libsrtp 2 by src/srtp3_compat.c.
 *
 * Function names are macros onto vd_srtp3_* symbols, so that they do not clash
 * with libsrtp2's functions of the same name (and different signatures) at
 * link time. Type layouts and enum values match libsrtp 2/3.
 */
#ifndef VECTORDESK_SRTP3_COMPAT_H
#define VECTORDESK_SRTP3_COMPAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SRTP_MAX_KEY_LEN 64
#define SRTP_MAX_TAG_LEN 16
#define SRTP_MAX_MKI_LEN 128
#define SRTP_MAX_TRAILER_LEN (SRTP_MAX_TAG_LEN + SRTP_MAX_MKI_LEN)

typedef enum {
    srtp_err_status_ok = 0,
    srtp_err_status_fail = 1,
    srtp_err_status_bad_param = 2,
    srtp_err_status_alloc_fail = 3,
    srtp_err_status_dealloc_fail = 4,
    srtp_err_status_init_fail = 5,
    srtp_err_status_terminus = 6,
    srtp_err_status_auth_fail = 7,
    srtp_err_status_cipher_fail = 8,
    srtp_err_status_replay_fail = 9,
    srtp_err_status_replay_old = 10,
    srtp_err_status_algo_fail = 11,
    srtp_err_status_no_such_op = 12,
    srtp_err_status_no_ctx = 13,
    srtp_err_status_cant_check = 14,
    srtp_err_status_key_expired = 15,
    srtp_err_status_socket_err = 16,
    srtp_err_status_signal_err = 17,
    srtp_err_status_nonce_bad = 18,
    srtp_err_status_read_fail = 19,
    srtp_err_status_write_fail = 20,
    srtp_err_status_parse_err = 21,
    srtp_err_status_encode_err = 22,
    srtp_err_status_semaphore_err = 23,
    srtp_err_status_pfkey_err = 24,
    srtp_err_status_bad_mki = 25,
    srtp_err_status_pkt_idx_old = 26,
    srtp_err_status_pkt_idx_adv = 27,
    srtp_err_status_buffer_small = 28,
    srtp_err_status_cryptex_err = 29
} srtp_err_status_t;

typedef struct srtp_ctx_t_ srtp_ctx_t;
typedef srtp_ctx_t *srtp_t;
typedef struct vd_srtp3_policy *srtp_policy_t;

typedef enum {
    ssrc_undefined = 0,
    ssrc_specific = 1,
    ssrc_any_inbound = 2,
    ssrc_any_outbound = 3
} srtp_ssrc_type_t;

typedef struct {
    srtp_ssrc_type_t type;
    unsigned int value;
} srtp_ssrc_t;

typedef enum {
    srtp_profile_reserved = 0,
    srtp_profile_aes128_cm_sha1_80 = 1,
    srtp_profile_aes128_cm_sha1_32 = 2,
    srtp_profile_null_sha1_80 = 5,
    srtp_profile_null_sha1_32 = 6,
    srtp_profile_aead_aes_128_gcm = 7,
    srtp_profile_aead_aes_256_gcm = 8
} srtp_profile_t;

typedef enum {
    event_ssrc_collision,
    event_key_soft_limit,
    event_key_hard_limit,
    event_packet_index_limit
} srtp_event_t;

typedef struct srtp_event_data_t {
    srtp_t session;
    uint32_t ssrc;
    srtp_event_t event;
} srtp_event_data_t;

typedef void(srtp_event_handler_func_t)(srtp_event_data_t *data);

#define srtp_init vd_srtp3_init
#define srtp_shutdown vd_srtp3_shutdown
#define srtp_get_version_string vd_srtp3_get_version_string
#define srtp_install_event_handler vd_srtp3_install_event_handler
#define srtp_profile_get_master_key_length vd_srtp3_profile_get_master_key_length
#define srtp_profile_get_master_salt_length vd_srtp3_profile_get_master_salt_length
#define srtp_policy_create vd_srtp3_policy_create
#define srtp_policy_destroy vd_srtp3_policy_destroy
#define srtp_policy_set_ssrc vd_srtp3_policy_set_ssrc
#define srtp_policy_set_profile vd_srtp3_policy_set_profile
#define srtp_policy_add_key vd_srtp3_policy_add_key
#define srtp_policy_set_allow_repeat_tx vd_srtp3_policy_set_allow_repeat_tx
#define srtp_policy_set_window_size vd_srtp3_policy_set_window_size
#define srtp_create vd_srtp3_create
#define srtp_dealloc vd_srtp3_dealloc
#define srtp_stream_remove vd_srtp3_stream_remove
#define srtp_protect vd_srtp3_protect
#define srtp_unprotect vd_srtp3_unprotect
#define srtp_protect_rtcp vd_srtp3_protect_rtcp
#define srtp_unprotect_rtcp vd_srtp3_unprotect_rtcp

srtp_err_status_t srtp_init(void);
srtp_err_status_t srtp_shutdown(void);
const char *srtp_get_version_string(void);
srtp_err_status_t srtp_install_event_handler(srtp_event_handler_func_t func);
size_t srtp_profile_get_master_key_length(srtp_profile_t profile);
size_t srtp_profile_get_master_salt_length(srtp_profile_t profile);

srtp_err_status_t srtp_policy_create(srtp_policy_t *policy);
void srtp_policy_destroy(srtp_policy_t policy);
srtp_err_status_t srtp_policy_set_ssrc(srtp_policy_t policy, srtp_ssrc_t ssrc);
srtp_err_status_t srtp_policy_set_profile(srtp_policy_t policy, srtp_profile_t profile);
srtp_err_status_t srtp_policy_add_key(srtp_policy_t policy,
                                      const uint8_t *key, size_t key_len,
                                      const uint8_t *salt, size_t salt_len,
                                      const uint8_t *mki, size_t mki_len);
srtp_err_status_t srtp_policy_set_allow_repeat_tx(srtp_policy_t policy, bool allow);
srtp_err_status_t srtp_policy_set_window_size(srtp_policy_t policy, size_t window_size);

srtp_err_status_t srtp_create(srtp_t *session, const srtp_policy_t policy);
srtp_err_status_t srtp_dealloc(srtp_t session);
srtp_err_status_t srtp_stream_remove(srtp_t session, uint32_t ssrc);

srtp_err_status_t srtp_protect(srtp_t ctx, const uint8_t *rtp, size_t rtp_len,
                               uint8_t *srtp, size_t *srtp_len, size_t mki_index);
srtp_err_status_t srtp_unprotect(srtp_t ctx, const uint8_t *srtp, size_t srtp_len,
                                 uint8_t *rtp, size_t *rtp_len);
srtp_err_status_t srtp_protect_rtcp(srtp_t ctx, const uint8_t *rtcp, size_t rtcp_len,
                                    uint8_t *srtcp, size_t *srtcp_len, size_t mki_index);
srtp_err_status_t srtp_unprotect_rtcp(srtp_t ctx, const uint8_t *srtcp, size_t srtcp_len,
                                      uint8_t *rtcp, size_t *rtcp_len);

#ifdef __cplusplus
}
#endif

#endif
