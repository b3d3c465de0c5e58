// earshot-ort-values: runs ONNX Runtime sessions whose tensors stay native between calls.
//
// onnxruntime-node copies every output into a new JS ArrayBuffer and wraps every input again on
// the next call. For a streaming encoder that is ~75 state tensors (~750 KB per stream) per call
// that only go back in: measured at ~30 % of a zipformer2 encoder call at batch 1. This addon
// keeps such tensors as OrtValues (JS sees opaque handles), runs the session synchronously, and
// stacks/splits states along a batch axis in C. It calls the libonnxruntime that onnxruntime-node
// ships (dlopen, same file, so one runtime per process); it links against nothing.
#define NAPI_VERSION 8
#include <dlfcn.h>
#include <node_api.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnxruntime_c_api.h"

static const OrtApi* _Atomic ort;  // set once, last, by load_runtime
static OrtEnv* ort_env;
static OrtAllocator* cpu_allocator;
static OrtMemoryInfo* cpu_memory;
static const char* ort_version;
// Worker threads load the addon each in their own environment; the runtime is loaded once.
static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;

// Type tags keep a Session handle from being passed where a Value is expected, and vice versa.
static const napi_type_tag SESSION_TAG = {0x6561727368e0f001ULL, 0x6f72742d73657373ULL};
static const napi_type_tag VALUE_TAG = {0x6561727368e0f002ULL, 0x6f72742d76616c75ULL};

typedef struct {
  OrtSession* session;
  size_t input_count, output_count;
  char** input_names;
  char** output_names;
} Session;

typedef struct {
  OrtValue* value;
  int64_t bytes;
} Value;

#define MAX_DIMS 16
#define MAX_IO 1024

typedef struct {
  ONNXTensorElementDataType type;
  size_t rank;
  int64_t dims[MAX_DIMS];
  size_t count;
  size_t elem;
} Shape;

// ---- errors: thrown as JS Errors whose `code` the TypeScript side maps to AsrError codes ----

static napi_value fail(napi_env env, const char* code, const char* message) {
  napi_throw_error(env, code, message);
  return NULL;
}

static int ort_ok(napi_env env, OrtStatus* status) {
  if (status == NULL) return 1;
  napi_throw_error(env, "ORT_RUN_FAILED", ort->GetErrorMessage(status));
  ort->ReleaseStatus(status);
  return 0;
}

#define CHECK_NAPI(env, call)                                        \
  do {                                                               \
    if ((call) != napi_ok) return fail(env, "ORT_BAD_ARGUMENT", #call); \
  } while (0)

#define CHECK_ORT(env, call) \
  do {                       \
    if (!ort_ok(env, (call))) return NULL; \
  } while (0)

static int require_ready(napi_env env) {
  if (ort) return 1;
  fail(env, "ORT_NOT_LOADED", "init(libonnxruntime path) was not called");
  return 0;
}

// ---- tensors ----

static size_t element_size(ONNXTensorElementDataType type) {
  switch (type) {
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT:
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32:
      return 4;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64:
      return 8;
    default:
      return 0;
  }
}

static int shape_of(napi_env env, const OrtValue* value, Shape* shape) {
  OrtTensorTypeAndShapeInfo* info;
  if (!ort_ok(env, ort->GetTensorTypeAndShape(value, &info))) return 0;
  int ok = ort_ok(env, ort->GetTensorElementType(info, &shape->type)) &&
           ort_ok(env, ort->GetDimensionsCount(info, &shape->rank));
  if (ok && shape->rank > MAX_DIMS) {
    fail(env, "ORT_BAD_ARGUMENT", "tensor has more than 16 dimensions");
    ok = 0;
  }
  if (ok) ok = ort_ok(env, ort->GetDimensions(info, shape->dims, shape->rank));
  ort->ReleaseTensorTypeAndShapeInfo(info);
  if (!ok) return 0;
  shape->elem = element_size(shape->type);
  if (shape->elem == 0) {
    fail(env, "ORT_UNSUPPORTED_TYPE", "only float32, int32 and int64 tensors are supported");
    return 0;
  }
  shape->count = 1;
  for (size_t i = 0; i < shape->rank; i++) shape->count *= (size_t)shape->dims[i];
  return 1;
}

static void finalize_value(napi_env env, void* data, void* hint) {
  (void)hint;
  Value* v = data;
  if (v->value) {
    ort->ReleaseValue(v->value);
    int64_t ignored;
    napi_adjust_external_memory(env, -v->bytes, &ignored);
  }
  free(v);
}

/** Hands an OrtValue to JS as an opaque handle (owned by the handle from now on). */
static napi_value wrap_value(napi_env env, OrtValue* value) {
  Shape shape;
  if (!shape_of(env, value, &shape)) {
    ort->ReleaseValue(value);
    return NULL;
  }
  Value* v = malloc(sizeof *v);
  v->value = value;
  v->bytes = (int64_t)(shape.count * shape.elem);
  napi_value handle;
  if (napi_create_external(env, v, finalize_value, NULL, &handle) != napi_ok) {
    ort->ReleaseValue(value);
    free(v);
    return fail(env, "ORT_BAD_ARGUMENT", "napi_create_external");
  }
  napi_type_tag_object(env, handle, &VALUE_TAG);
  // Tells V8 how much memory hangs off the handle, so that dropped handles are collected in time.
  int64_t ignored;
  napi_adjust_external_memory(env, v->bytes, &ignored);
  return handle;
}

/** The Value behind a handle, or NULL (not a handle, or released). */
static Value* unwrap_value(napi_env env, napi_value handle) {
  bool is_value = false;
  if (napi_check_object_type_tag(env, handle, &VALUE_TAG, &is_value) != napi_ok || !is_value) return NULL;
  void* data;
  if (napi_get_value_external(env, handle, &data) != napi_ok) return NULL;
  Value* v = data;
  return v->value ? v : NULL;
}

static OrtValue* new_tensor(napi_env env, ONNXTensorElementDataType type, const int64_t* dims, size_t rank) {
  OrtValue* value = NULL;
  if (!ort_ok(env, ort->CreateTensorAsOrtValue(cpu_allocator, dims, rank, type, &value))) return NULL;
  return value;
}

static void* tensor_data(napi_env env, OrtValue* value) {
  void* data = NULL;
  if (!ort_ok(env, ort->GetTensorMutableData(value, &data))) return NULL;
  return data;
}

// ---- JS → C arguments ----

static int read_dims(napi_env env, napi_value array, int64_t* dims, size_t* rank) {
  uint32_t length;
  if (napi_get_array_length(env, array, &length) != napi_ok || length > MAX_DIMS) {
    fail(env, "ORT_BAD_ARGUMENT", "dims must be an array of at most 16 numbers");
    return 0;
  }
  for (uint32_t i = 0; i < length; i++) {
    napi_value item;
    int64_t d;
    if (napi_get_element(env, array, i, &item) != napi_ok || napi_get_value_int64(env, item, &d) != napi_ok || d < 0) {
      fail(env, "ORT_BAD_ARGUMENT", "dims must be non-negative integers");
      return 0;
    }
    dims[i] = d;
  }
  *rank = length;
  return 1;
}

typedef struct {
  void* data;
  size_t bytes;
  ONNXTensorElementDataType type;
  size_t elem;
} ArrayView;

static int read_typed_array(napi_env env, napi_value array, ArrayView* view) {
  bool is_typed;
  if (napi_is_typedarray(env, array, &is_typed) != napi_ok || !is_typed) {
    fail(env, "ORT_BAD_ARGUMENT", "expected a Float32Array, Int32Array or BigInt64Array");
    return 0;
  }
  napi_typedarray_type kind;
  size_t length;
  napi_get_typedarray_info(env, array, &kind, &length, &view->data, NULL, NULL);
  switch (kind) {
    case napi_float32_array: view->type = ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT; break;
    case napi_int32_array: view->type = ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32; break;
    case napi_bigint64_array: view->type = ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64; break;
    default:
      fail(env, "ORT_BAD_ARGUMENT", "expected a Float32Array, Int32Array or BigInt64Array");
      return 0;
  }
  view->elem = element_size(view->type);
  view->bytes = length * view->elem;
  return 1;
}

static size_t count_of(const int64_t* dims, size_t rank) {
  size_t n = 1;
  for (size_t i = 0; i < rank; i++) n *= (size_t)dims[i];
  return n;
}

static int get_args(napi_env env, napi_callback_info info, size_t want, napi_value* argv) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < want) {
    fail(env, "ORT_BAD_ARGUMENT", "too few arguments");
    return 0;
  }
  return 1;
}

// ---- exports ----

/** Loads the runtime library and its API table; NULL on success, else the error message. */
static const char* load_runtime(const char* path) {
  void* lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!lib) return dlerror();
  const OrtApiBase* (*get_base)(void) = (const OrtApiBase* (*)(void))dlsym(lib, "OrtGetApiBase");
  if (!get_base) return "OrtGetApiBase not found in the runtime library";
  const OrtApiBase* base = get_base();
  const OrtApi* api = base->GetApi(ORT_API_VERSION);
  if (!api) return "the runtime library is older than the C API headers (1.29)";
  OrtStatus* status = api->CreateEnv(ORT_LOGGING_LEVEL_ERROR, "earshot", &ort_env);
  if (!status) status = api->GetAllocatorWithDefaultOptions(&cpu_allocator);
  if (!status) status = api->CreateCpuMemoryInfo(OrtArenaAllocator, OrtMemTypeDefault, &cpu_memory);
  if (status) {
    static char message[512];
    snprintf(message, sizeof message, "%s", api->GetErrorMessage(status));
    api->ReleaseStatus(status);
    return message;
  }
  ort_version = base->GetVersionString();
  ort = api;  // last: `ort` set means everything above is ready
  return NULL;
}

/** init(libPath): loads the runtime once per process (any thread); returns its version. */
static napi_value init_runtime(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv)) return NULL;
  char path[4096];
  size_t length;
  CHECK_NAPI(env, napi_get_value_string_utf8(env, argv[0], path, sizeof path, &length));
  pthread_mutex_lock(&init_lock);
  const char* error = ort ? NULL : load_runtime(path);
  pthread_mutex_unlock(&init_lock);
  if (error) return fail(env, "ORT_LOAD_FAILED", error);
  napi_value version;
  CHECK_NAPI(env, napi_create_string_utf8(env, ort_version, NAPI_AUTO_LENGTH, &version));
  return version;
}

static void free_names(char** names, size_t n) {
  if (!names) return;
  for (size_t i = 0; i < n; i++) {
    OrtStatus* status = ort->AllocatorFree(cpu_allocator, names[i]);
    if (status) ort->ReleaseStatus(status);
  }
  free(names);
}

static void finalize_session(napi_env env, void* data, void* hint) {
  (void)env;
  (void)hint;
  Session* s = data;
  if (s->session) ort->ReleaseSession(s->session);
  free_names(s->input_names, s->input_count);
  free_names(s->output_names, s->output_count);
  free(s);
}

static napi_value string_array(napi_env env, char** names, size_t n) {
  napi_value array;
  CHECK_NAPI(env, napi_create_array_with_length(env, n, &array));
  for (size_t i = 0; i < n; i++) {
    napi_value name;
    CHECK_NAPI(env, napi_create_string_utf8(env, names[i], NAPI_AUTO_LENGTH, &name));
    CHECK_NAPI(env, napi_set_element(env, array, (uint32_t)i, name));
  }
  return array;
}

/** onnxruntime-node's names for ONNX element types (index = ONNXTensorElementDataType). */
static const char* const ELEMENT_TYPE_NAMES[] = {
    NULL,     "float32", "uint8",   "int8",   "uint16", "int16", "int32", "int64", "string", "bool",
    "float16", "float64", "uint32", "uint64", NULL,     NULL,    NULL,    NULL,    NULL,     NULL,
    NULL,     "uint4",   "int4"};

static napi_value set_string(napi_env env, napi_value object, const char* key, const char* text) {
  napi_value value;
  CHECK_NAPI(env, napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &value));
  CHECK_NAPI(env, napi_set_named_property(env, object, key, value));
  return object;
}

/**
 * { name, isTensor, type, shape } of one input or output, as onnxruntime-node's inputMetadata
 * reports it: a dim is its size, or its symbolic name ('' when unnamed) where the size is free.
 */
static napi_value describe_io(napi_env env, OrtSession* session, int is_input, size_t index, const char* name) {
  OrtTypeInfo* type_info;
  CHECK_ORT(env, is_input ? ort->SessionGetInputTypeInfo(session, index, &type_info)
                          : ort->SessionGetOutputTypeInfo(session, index, &type_info));
  napi_value result = NULL, flag;
  const OrtTensorTypeAndShapeInfo* tensor = NULL;
  ONNXTensorElementDataType type = ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED;
  size_t rank = 0;
  int64_t dims[MAX_DIMS];
  const char* symbols[MAX_DIMS];
  OrtStatus* status = ort->CastTypeInfoToTensorInfo(type_info, &tensor);
  if (!status && tensor) status = ort->GetTensorElementType(tensor, &type);
  if (!status && tensor) status = ort->GetDimensionsCount(tensor, &rank);
  if (!status && rank > MAX_DIMS) {
    ort->ReleaseTypeInfo(type_info);
    return fail(env, "ORT_UNSUPPORTED_TYPE", "a model input or output has more than 16 dims");
  }
  if (!status && tensor) status = ort->GetDimensions(tensor, dims, rank);
  if (!status && tensor) status = ort->GetSymbolicDimensions(tensor, symbols, rank);
  if (!ort_ok(env, status)) {
    ort->ReleaseTypeInfo(type_info);
    return NULL;
  }
  if (napi_create_object(env, &result) != napi_ok || !set_string(env, result, "name", name) ||
      napi_get_boolean(env, tensor != NULL, &flag) != napi_ok ||
      napi_set_named_property(env, result, "isTensor", flag) != napi_ok) {
    result = NULL;
  } else if (tensor) {
    size_t known = sizeof ELEMENT_TYPE_NAMES / sizeof ELEMENT_TYPE_NAMES[0];
    const char* type_text = (size_t)type < known && ELEMENT_TYPE_NAMES[type] ? ELEMENT_TYPE_NAMES[type] : "unknown";
    napi_value shape;
    if (!set_string(env, result, "type", type_text) || napi_create_array_with_length(env, rank, &shape) != napi_ok) {
      result = NULL;
    }
    for (size_t i = 0; result && i < rank; i++) {
      napi_value d;
      napi_status ok = dims[i] >= 0 ? napi_create_int64(env, dims[i], &d)
                                    : napi_create_string_utf8(env, symbols[i] ? symbols[i] : "", NAPI_AUTO_LENGTH, &d);
      if (ok != napi_ok || napi_set_element(env, shape, (uint32_t)i, d) != napi_ok) result = NULL;
    }
    if (result && napi_set_named_property(env, result, "shape", shape) != napi_ok) result = NULL;
  }
  ort->ReleaseTypeInfo(type_info);  // the symbolic names belong to it: copied above
  return result;
}

static napi_value describe_all(napi_env env, OrtSession* session, int is_input, char** names, size_t n) {
  napi_value array;
  CHECK_NAPI(env, napi_create_array_with_length(env, n, &array));
  for (size_t i = 0; i < n; i++) {
    napi_value item = describe_io(env, session, is_input, i, names[i]);
    if (!item) return NULL;
    CHECK_NAPI(env, napi_set_element(env, array, (uint32_t)i, item));
  }
  return array;
}

/**
 * createSession(modelPath, intraOpThreads, interOpThreads, graphOptimizationLevel 0|1|2|99)
 * → { handle, inputNames, outputNames, inputs, outputs }: inputs/outputs describe each value
 * (describe_io). CPU execution provider, sequential execution.
 */
static napi_value create_session(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!require_ready(env) || !get_args(env, info, 4, argv)) return NULL;
  char path[4096];
  size_t length;
  int32_t intra, inter, level;
  CHECK_NAPI(env, napi_get_value_string_utf8(env, argv[0], path, sizeof path, &length));
  CHECK_NAPI(env, napi_get_value_int32(env, argv[1], &intra));
  CHECK_NAPI(env, napi_get_value_int32(env, argv[2], &inter));
  CHECK_NAPI(env, napi_get_value_int32(env, argv[3], &level));
  OrtSessionOptions* options;
  CHECK_ORT(env, ort->CreateSessionOptions(&options));
  OrtStatus* status = ort->SetIntraOpNumThreads(options, intra);
  if (!status) status = ort->SetInterOpNumThreads(options, inter);
  if (!status) status = ort->SetSessionExecutionMode(options, ORT_SEQUENTIAL);
  if (!status) status = ort->SetSessionGraphOptimizationLevel(options, (GraphOptimizationLevel)level);
  OrtSession* session = NULL;
  if (!status) status = ort->CreateSession(ort_env, path, options, &session);
  ort->ReleaseSessionOptions(options);
  if (!ort_ok(env, status)) return NULL;

  Session* s = calloc(1, sizeof *s);
  s->session = session;
  status = ort->SessionGetInputCount(session, &s->input_count);
  if (!status) status = ort->SessionGetOutputCount(session, &s->output_count);
  if (!status && (s->input_count > MAX_IO || s->output_count > MAX_IO)) {
    finalize_session(env, s, NULL);
    return fail(env, "ORT_BAD_ARGUMENT", "model has more than 1024 inputs or outputs");
  }
  if (!status) {
    s->input_names = calloc(s->input_count, sizeof(char*));
    s->output_names = calloc(s->output_count, sizeof(char*));
  }
  for (size_t i = 0; !status && i < s->input_count; i++) status = ort->SessionGetInputName(session, i, cpu_allocator, &s->input_names[i]);
  for (size_t i = 0; !status && i < s->output_count; i++) status = ort->SessionGetOutputName(session, i, cpu_allocator, &s->output_names[i]);
  if (status) {
    finalize_session(env, s, NULL);
    ort_ok(env, status);
    return NULL;
  }
  napi_value handle, result, inputs, outputs, input_info, output_info;
  CHECK_NAPI(env, napi_create_external(env, s, finalize_session, NULL, &handle));
  CHECK_NAPI(env, napi_type_tag_object(env, handle, &SESSION_TAG));
  if (!(inputs = string_array(env, s->input_names, s->input_count))) return NULL;
  if (!(outputs = string_array(env, s->output_names, s->output_count))) return NULL;
  if (!(input_info = describe_all(env, session, 1, s->input_names, s->input_count))) return NULL;
  if (!(output_info = describe_all(env, session, 0, s->output_names, s->output_count))) return NULL;
  CHECK_NAPI(env, napi_create_object(env, &result));
  CHECK_NAPI(env, napi_set_named_property(env, result, "handle", handle));
  CHECK_NAPI(env, napi_set_named_property(env, result, "inputNames", inputs));
  CHECK_NAPI(env, napi_set_named_property(env, result, "outputNames", outputs));
  CHECK_NAPI(env, napi_set_named_property(env, result, "inputs", input_info));
  CHECK_NAPI(env, napi_set_named_property(env, result, "outputs", output_info));
  return result;
}

static Session* unwrap_session(napi_env env, napi_value handle) {
  bool is_session = false;
  void* data;
  if (napi_check_object_type_tag(env, handle, &SESSION_TAG, &is_session) != napi_ok || !is_session ||
      napi_get_value_external(env, handle, &data) != napi_ok || !((Session*)data)->session) {
    fail(env, "ORT_BAD_ARGUMENT", "not a live session handle");
    return NULL;
  }
  return data;
}

/** releaseSession(handle): frees the session now (later calls with it throw). */
static napi_value release_session(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv)) return NULL;
  Session* s = unwrap_session(env, argv[0]);
  if (!s) return NULL;
  ort->ReleaseSession(s->session);
  s->session = NULL;
  return NULL;
}

static napi_value read_into_array(napi_env env, OrtValue* value);

/**
 * run(session, inputs) → output handles, both in the session's input/output order. Each input is
 * a value handle (left as it is) or [typedArray, dims] (wrapped without a copy for this call).
 * Synchronous, like onnxruntime-node's own run under its promise.
 * runToArrays(session, inputs) → the outputs as new typed arrays instead (for small sessions whose
 * outputs are read at once: no handles are made).
 */
static napi_value run_session(napi_env env, napi_callback_info info, int to_arrays) {
  napi_value argv[2];
  if (!require_ready(env) || !get_args(env, info, 2, argv)) return NULL;
  Session* s = unwrap_session(env, argv[0]);
  if (!s) return NULL;
  uint32_t n;
  if (napi_get_array_length(env, argv[1], &n) != napi_ok || n != s->input_count) {
    return fail(env, "ORT_BAD_ARGUMENT", "run() needs exactly one input per session input, in order");
  }
  const OrtValue* inputs[MAX_IO];
  OrtValue* temporary[MAX_IO];
  OrtValue* outputs[MAX_IO];
  size_t temporaries = 0;
  napi_value result = NULL;
  for (uint32_t i = 0; i < n; i++) {
    napi_value item;
    bool is_array;
    if (napi_get_element(env, argv[1], i, &item) != napi_ok) goto done;
    Value* v = unwrap_value(env, item);
    if (v) {
      inputs[i] = v->value;
      continue;
    }
    if (napi_is_array(env, item, &is_array) != napi_ok || !is_array) {
      char message[160];
      snprintf(message, sizeof message, "input %u (%s) is neither a live value handle nor [typedArray, dims]", i, s->input_names[i]);
      fail(env, "ORT_BAD_ARGUMENT", message);
      goto done;
    }
    napi_value array, dims_array;
    ArrayView view;
    int64_t dims[MAX_DIMS];
    size_t rank;
    if (napi_get_element(env, item, 0, &array) != napi_ok || napi_get_element(env, item, 1, &dims_array) != napi_ok ||
        !read_typed_array(env, array, &view) || !read_dims(env, dims_array, dims, &rank)) {
      goto done;
    }
    if (count_of(dims, rank) * view.elem != view.bytes) {
      char message[160];
      snprintf(message, sizeof message, "input %u (%s): the array's length does not match its dims", i, s->input_names[i]);
      fail(env, "ORT_BAD_ARGUMENT", message);
      goto done;
    }
    OrtValue* value = NULL;
    if (!ort_ok(env, ort->CreateTensorWithDataAsOrtValue(cpu_memory, view.data, view.bytes, dims, rank, view.type, &value))) goto done;
    temporary[temporaries++] = value;
    inputs[i] = value;
  }
  memset(outputs, 0, s->output_count * sizeof(OrtValue*));
  if (!ort_ok(env, ort->Run(s->session, NULL, (const char* const*)s->input_names, inputs, n,
                            (const char* const*)s->output_names, s->output_count, outputs))) {
    goto done;
  }
  if (napi_create_array_with_length(env, s->output_count, &result) != napi_ok) result = NULL;
  for (size_t i = 0; i < s->output_count; i++) {
    napi_value handle = !result ? NULL : to_arrays ? read_into_array(env, outputs[i]) : wrap_value(env, outputs[i]);
    // A handle owns its value (wrap_value frees it on failure); copied or unused values go now.
    if (to_arrays || !result) ort->ReleaseValue(outputs[i]);
    outputs[i] = NULL;
    if (!handle || napi_set_element(env, result, (uint32_t)i, handle) != napi_ok) {
      for (size_t k = i + 1; k < s->output_count; k++) ort->ReleaseValue(outputs[k]);
      result = NULL;
      break;
    }
  }
done:
  for (size_t i = 0; i < temporaries; i++) ort->ReleaseValue(temporary[i]);
  return result;
}

static napi_value run(napi_env env, napi_callback_info info) {
  return run_session(env, info, 0);
}

static napi_value run_to_arrays(napi_env env, napi_callback_info info) {
  return run_session(env, info, 1);
}

static Value* value_arg(napi_env env, napi_value handle) {
  Value* v = unwrap_value(env, handle);
  if (!v) fail(env, "ORT_BAD_ARGUMENT", "not a live value handle");
  return v;
}


/** info(value) → { type, dims }. */
static napi_value value_info(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv)) return NULL;
  Value* v = value_arg(env, argv[0]);
  Shape shape;
  if (!v || !shape_of(env, v->value, &shape)) return NULL;
  napi_value result, type, dims;
  CHECK_NAPI(env, napi_create_object(env, &result));
  CHECK_NAPI(env, napi_create_string_utf8(env, ELEMENT_TYPE_NAMES[shape.type], NAPI_AUTO_LENGTH, &type));  // float32/int32/int64 only
  CHECK_NAPI(env, napi_create_array_with_length(env, shape.rank, &dims));
  for (size_t i = 0; i < shape.rank; i++) {
    napi_value d;
    CHECK_NAPI(env, napi_create_int64(env, shape.dims[i], &d));
    CHECK_NAPI(env, napi_set_element(env, dims, (uint32_t)i, d));
  }
  CHECK_NAPI(env, napi_set_named_property(env, result, "type", type));
  CHECK_NAPI(env, napi_set_named_property(env, result, "dims", dims));
  return result;
}

/** read(value) → a new typed array with a copy of the tensor's data. */
static napi_value read_value(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv)) return NULL;
  Value* v = value_arg(env, argv[0]);
  return v ? read_into_array(env, v->value) : NULL;
}

static napi_value read_into_array(napi_env env, OrtValue* value) {
  Shape shape;
  if (!shape_of(env, value, &shape)) return NULL;
  void* src = tensor_data(env, value);
  if (!src) return NULL;
  void* dst;
  napi_value buffer, array;
  CHECK_NAPI(env, napi_create_arraybuffer(env, shape.count * shape.elem, &dst, &buffer));
  memcpy(dst, src, shape.count * shape.elem);
  napi_typedarray_type kind = shape.type == ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT   ? napi_float32_array
                              : shape.type == ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 ? napi_int32_array
                                                                                  : napi_bigint64_array;
  CHECK_NAPI(env, napi_create_typedarray(env, kind, shape.count, buffer, 0, &array));
  return array;
}

/** fromArray(typedArray, dims) → a value handle holding a copy. */
static napi_value from_array(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!require_ready(env) || !get_args(env, info, 2, argv)) return NULL;
  ArrayView view;
  int64_t dims[MAX_DIMS];
  size_t rank;
  if (!read_typed_array(env, argv[0], &view) || !read_dims(env, argv[1], dims, &rank)) return NULL;
  if (count_of(dims, rank) * view.elem != view.bytes) return fail(env, "ORT_BAD_ARGUMENT", "the array's length does not match its dims");
  OrtValue* value = new_tensor(env, view.type, dims, rank);
  if (!value) return NULL;
  void* dst = tensor_data(env, value);
  if (!dst) {
    ort->ReleaseValue(value);
    return NULL;
  }
  memcpy(dst, view.data, view.bytes);
  return wrap_value(env, value);
}

/** Sizes of the blocks a batch axis cuts a tensor into: outer × [batch] × inner bytes. */
static void block_shape(const Shape* shape, size_t axis, size_t* outer, size_t* inner) {
  *outer = 1;
  *inner = shape->elem;
  for (size_t i = 0; i < shape->rank; i++) {
    if (i < axis) *outer *= (size_t)shape->dims[i];
    if (i > axis) *inner *= (size_t)shape->dims[i];
  }
}

/** stack(values, axis) → one value: the values concatenated along `axis` (shapes equal elsewhere). */
static napi_value stack(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!require_ready(env) || !get_args(env, info, 2, argv)) return NULL;
  uint32_t n, axis;
  if (napi_get_array_length(env, argv[0], &n) != napi_ok || n == 0 || n > MAX_IO) {
    return fail(env, "ORT_BAD_ARGUMENT", "stack() needs 1 to 1024 values");
  }
  CHECK_NAPI(env, napi_get_value_uint32(env, argv[1], &axis));
  Value* parts[MAX_IO];
  Shape shape, first;
  int64_t total = 0;
  for (uint32_t i = 0; i < n; i++) {
    napi_value item;
    CHECK_NAPI(env, napi_get_element(env, argv[0], i, &item));
    if (!(parts[i] = value_arg(env, item)) || !shape_of(env, parts[i]->value, i ? &shape : &first)) return NULL;
    if (i == 0) {
      if (axis >= first.rank) return fail(env, "ORT_BAD_ARGUMENT", "stack(): axis out of range");
      shape = first;
    }
    int same = shape.type == first.type && shape.rank == first.rank;
    for (size_t d = 0; same && d < shape.rank; d++) same = d == axis || shape.dims[d] == first.dims[d];
    if (!same) return fail(env, "ORT_SHAPE_MISMATCH", "stack(): values differ in type or in a dimension other than the axis");
    total += shape.dims[axis];
  }
  Shape out_shape = first;
  out_shape.dims[axis] = total;
  OrtValue* out = new_tensor(env, first.type, out_shape.dims, out_shape.rank);
  if (!out) return NULL;
  char* dst = tensor_data(env, out);
  if (!dst) {
    ort->ReleaseValue(out);
    return NULL;
  }
  size_t outer, inner;
  block_shape(&first, axis, &outer, &inner);
  size_t offset = 0;  // in inner blocks, along the axis
  for (uint32_t i = 0; i < n; i++) {
    shape_of(env, parts[i]->value, &shape);
    size_t rows = (size_t)shape.dims[axis];
    const char* src = tensor_data(env, parts[i]->value);
    for (size_t o = 0; o < outer; o++) memcpy(dst + (o * (size_t)total + offset) * inner, src + o * rows * inner, rows * inner);
    offset += rows;
  }
  return wrap_value(env, out);
}

/** unstack(value, axis) → the value cut into pieces of size 1 along `axis`. */
static napi_value unstack(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!require_ready(env) || !get_args(env, info, 2, argv)) return NULL;
  uint32_t axis;
  Value* v = value_arg(env, argv[0]);
  Shape shape;
  if (!v || !shape_of(env, v->value, &shape)) return NULL;
  CHECK_NAPI(env, napi_get_value_uint32(env, argv[1], &axis));
  if (axis >= shape.rank) return fail(env, "ORT_BAD_ARGUMENT", "unstack(): axis out of range");
  size_t n = (size_t)shape.dims[axis], outer, inner;
  block_shape(&shape, axis, &outer, &inner);
  const char* src = tensor_data(env, v->value);
  if (!src) return NULL;
  Shape piece = shape;
  piece.dims[axis] = 1;
  napi_value result;
  CHECK_NAPI(env, napi_create_array_with_length(env, n, &result));
  for (size_t s = 0; s < n; s++) {
    OrtValue* out = new_tensor(env, shape.type, piece.dims, piece.rank);
    if (!out) return NULL;
    char* dst = tensor_data(env, out);
    if (!dst) {
      ort->ReleaseValue(out);
      return NULL;
    }
    for (size_t o = 0; o < outer; o++) memcpy(dst + o * inner, src + (o * n + s) * inner, inner);
    napi_value handle = wrap_value(env, out);
    if (!handle) return NULL;
    CHECK_NAPI(env, napi_set_element(env, result, (uint32_t)s, handle));
  }
  return result;
}

static void release_handle(napi_env env, napi_value handle) {
  Value* v = unwrap_value(env, handle);
  if (!v) return;
  ort->ReleaseValue(v->value);
  v->value = NULL;
  int64_t ignored;
  napi_adjust_external_memory(env, -v->bytes, &ignored);
}

/**
 * release(value | values[]): frees tensors now instead of at garbage collection (later use
 * throws). An array is released in one call: an encoder frees ~75 states per call.
 */
static napi_value release_value(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv)) return NULL;
  bool is_array = false;
  napi_is_array(env, argv[0], &is_array);
  if (!is_array) {
    release_handle(env, argv[0]);
    return NULL;
  }
  uint32_t n = 0;
  napi_get_array_length(env, argv[0], &n);
  for (uint32_t i = 0; i < n; i++) {
    napi_value item;
    if (napi_get_element(env, argv[0], i, &item) == napi_ok) release_handle(env, item);
  }
  return NULL;
}

NAPI_MODULE_INIT() {
  const struct {
    const char* name;
    napi_callback fn;
  } functions[] = {
      {"init", init_runtime}, {"createSession", create_session}, {"releaseSession", release_session},
      {"run", run},           {"runToArrays", run_to_arrays},    {"info", value_info},
      {"read", read_value},
      {"fromArray", from_array}, {"stack", stack},               {"unstack", unstack},
      {"release", release_value},
  };
  for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++) {
    napi_value fn;
    if (napi_create_function(env, functions[i].name, NAPI_AUTO_LENGTH, functions[i].fn, NULL, &fn) != napi_ok ||
        napi_set_named_property(env, exports, functions[i].name, fn) != napi_ok) {
      return NULL;
    }
  }
  return exports;
}
