// VectorDesk offline shim for ankerl::unordered_dense (https://github.com/martinus/unordered_dense).
//
// The mediasoup worker only uses ankerl::unordered_dense::{map,set,hash}; they
// are mapped onto std::unordered_map, std::unordered_set and std::hash, which
// offer the same interface for those uses (different performance, same
// behaviour). Keep this file free of anything else.
#ifndef VECTORDESK_ANKERL_UNORDERED_DENSE_SHIM_H
#define VECTORDESK_ANKERL_UNORDERED_DENSE_SHIM_H

#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace ankerl::unordered_dense
{
	template<class T, class Enable = void>
	struct hash : std::hash<T>
	{
	};

	template<
	  class Key,
	  class T,
	  class Hash      = hash<Key>,
	  class KeyEqual  = std::equal_to<Key>,
	  class Allocator = std::allocator<std::pair<const Key, T>>>
	using map = std::unordered_map<Key, T, Hash, KeyEqual, Allocator>;

	template<
	  class Key,
	  class Hash      = hash<Key>,
	  class KeyEqual  = std::equal_to<Key>,
	  class Allocator = std::allocator<Key>>
	using set = std::unordered_set<Key, Hash, KeyEqual, Allocator>;
} // namespace ankerl::unordered_dense

#endif
