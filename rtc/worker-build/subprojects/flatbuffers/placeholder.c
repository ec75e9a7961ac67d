/* Placeholder object for mediasoup's link_whole list (only used by the
 * libmediasoup-worker library, which the npm install does not build). The
 * real library comes from Debian through this shim's dependency object. */
typedef int vectordesk_shim_placeholder;
