package sms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
)

// Tencent Cloud SMS API coordinates.
const (
	tencentService  = "sms"
	tencentVersion  = "2021-01-11"
	tencentAction   = "SendSms"
	tencentStatusOK = "Ok" // SendStatusSet[].Code of a number that was sent to

	tencentDefaultRegion   = "ap-guangzhou"
	tencentDefaultEndpoint = "sms.tencentcloudapi.com"
	tencentDefaultTimeout  = 10 * time.Second
)

// TencentConfig configures a Tencent Cloud SMS sender. SecretID, SecretKey,
// AppID, SignName and TemplateID are required; the rest have defaults.
type TencentConfig struct {
	SecretID, SecretKey string
	Region              string // default "ap-guangzhou"
	AppID               string // SmsSdkAppId
	SignName            string // the approved signature, e.g. "顾里小站"
	TemplateID          string
	Endpoint            string        // host[:port]; default "sms.tencentcloudapi.com"
	Scheme              string        // "https" (default) or "http" (local fake servers only)
	ValidMinutes        int           // when > 0, sent as the template's second parameter
	Timeout             time.Duration // per send; default 10s
}

// String describes the configuration without the secret key, so that a
// config logged with %v or %+v does not leak it.
func (c TencentConfig) String() string {
	key := ""
	if c.SecretKey != "" {
		key = "[redacted]"
	}
	return fmt.Sprintf("{SecretID:%s SecretKey:%s Region:%s AppID:%s SignName:%s TemplateID:%s Endpoint:%s Scheme:%s ValidMinutes:%d Timeout:%s}",
		c.SecretID, key, c.Region, c.AppID, c.SignName, c.TemplateID, c.Endpoint, c.Scheme, c.ValidMinutes, c.Timeout)
}

// Tencent sends verification codes through Tencent Cloud SMS. It is safe
// for concurrent use.
type Tencent struct {
	cfg    TencentConfig // defaults applied
	client *common.Client
}

// NewTencent validates cfg, applies defaults and returns a sender. The error
// names every missing required field.
func NewTencent(cfg TencentConfig) (*Tencent, error) {
	var missing []string
	for _, field := range []struct{ name, value string }{
		{"SecretID", cfg.SecretID},
		{"SecretKey", cfg.SecretKey},
		{"AppID", cfg.AppID},
		{"SignName", cfg.SignName},
		{"TemplateID", cfg.TemplateID},
	} {
		if strings.TrimSpace(field.value) == "" {
			missing = append(missing, field.name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("sms: tencent config is missing %s", strings.Join(missing, ", "))
	}

	if cfg.Region == "" {
		cfg.Region = tencentDefaultRegion
	}
	if cfg.Endpoint == "" {
		cfg.Endpoint = tencentDefaultEndpoint
	}
	// The SDK would silently treat "https://host" as host "https:".
	if strings.Contains(cfg.Endpoint, "://") {
		return nil, fmt.Errorf("sms: tencent Endpoint %q must be a host[:port] without scheme; set Scheme instead", cfg.Endpoint)
	}
	switch strings.ToLower(cfg.Scheme) {
	case "", "https":
		cfg.Scheme = "https"
	case "http":
		cfg.Scheme = "http"
	default:
		return nil, fmt.Errorf("sms: tencent Scheme %q must be \"https\" or \"http\"", cfg.Scheme)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = tencentDefaultTimeout
	}

	clientProfile := profile.NewClientProfile()
	clientProfile.HttpProfile.Endpoint = cfg.Endpoint
	clientProfile.HttpProfile.Scheme = strings.ToUpper(cfg.Scheme)
	// Whole seconds only; a backstop for the per-send context deadline,
	// which is what actually enforces cfg.Timeout.
	clientProfile.HttpProfile.ReqTimeout = int(math.Ceil(cfg.Timeout.Seconds()))

	credential := common.NewCredential(cfg.SecretID, cfg.SecretKey)
	client := common.NewCommonClient(credential, cfg.Region, clientProfile)
	return &Tencent{cfg: cfg, client: client}, nil
}

// SendCode texts code to phone (e.g. "13800000008", sent as "+8613800000008")
// using the configured signature and template. The send is bounded by ctx and
// by the configured Timeout, whichever ends first.
//
// A refusal by Tencent — an Error in the response, or a SendStatusSet code
// other than "Ok" — is a *ProviderError matching ErrRejected. A send that
// got no usable answer matches ErrUnavailable. If ctx ends first the error
// wraps ctx.Err().
func (t *Tencent) SendCode(ctx context.Context, phone, code string) error {
	if !isMainlandMobile(phone) {
		return fmt.Errorf("%w: %q", ErrInvalidPhone, maskPhone(phone))
	}
	if code == "" {
		return errors.New("sms: empty verification code")
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sms: tencent SendSms to %s not attempted: %w", maskPhone(phone), err)
	}

	sendCtx, cancel := context.WithTimeout(ctx, t.cfg.Timeout)
	defer cancel()

	request := tchttp.NewCommonRequest(tencentService, tencentVersion, tencentAction)
	request.SetContext(sendCtx) // the SDK attaches it to the http.Request
	if err := request.SetActionParameters(t.sendSmsParams(phone, code)); err != nil {
		return fmt.Errorf("sms: tencent SendSms: building request: %s", t.redact(err.Error(), phone, code))
	}
	response := tchttp.NewCommonResponse()

	if err := t.client.Send(request, response); err != nil {
		// A caller's cancellation is not a provider failure.
		if ctxErr := ctx.Err(); ctxErr != nil {
			return fmt.Errorf("sms: tencent SendSms to %s: %w", maskPhone(phone), ctxErr)
		}
		return t.sendError(err, phone, code)
	}
	return t.checkResponse(response.GetBody(), phone, code)
}

// sendSmsParams builds the SendSms action parameters. The SDK only accepts
// map[string]interface{}, a JSON string or JSON bytes.
func (t *Tencent) sendSmsParams(phone, code string) map[string]any {
	templateParams := []string{code}
	if t.cfg.ValidMinutes > 0 {
		templateParams = append(templateParams, strconv.Itoa(t.cfg.ValidMinutes))
	}
	return map[string]any{
		"PhoneNumberSet":   []string{"+86" + phone},
		"SmsSdkAppId":      t.cfg.AppID,
		"SignName":         t.cfg.SignName,
		"TemplateId":       t.cfg.TemplateID,
		"TemplateParamSet": templateParams,
	}
}

// sendError classifies an error from the SDK. The SDK reports both Tencent's
// own error codes and its client-side failures as TencentCloudSDKError; the
// latter have codes starting with "ClientError." (network, HTTP status,
// unparsable body).
func (t *Tencent) sendError(err error, phone, code string) error {
	var sdkErr *tcerr.TencentCloudSDKError
	if errors.As(err, &sdkErr) && !strings.HasPrefix(sdkErr.Code, "ClientError.") {
		return &ProviderError{
			Provider:  "tencent",
			Code:      sdkErr.Code,
			Message:   t.redact(sdkErr.Message, phone, code),
			RequestID: sdkErr.RequestId,
		}
	}
	// Keep the SDK's cause (e.g. a *url.Error wrapping DeadlineExceeded)
	// but not the SDK error itself, whose text may quote the response body.
	cause := err
	if sdkErr != nil {
		cause = sdkErr.Unwrap()
	}
	return &unavailableError{
		msg:   "sms: tencent SendSms to " + maskPhone(phone) + " failed: " + t.redact(err.Error(), phone, code),
		cause: cause,
	}
}

// sendSmsResponse is the part of the SendSms response we act on.
type sendSmsResponse struct {
	Response struct {
		SendStatusSet []struct {
			SerialNo    string `json:"SerialNo"`
			PhoneNumber string `json:"PhoneNumber"`
			Code        string `json:"Code"`
			Message     string `json:"Message"`
		} `json:"SendStatusSet"`
		Error *struct {
			Code    string `json:"Code"`
			Message string `json:"Message"`
		} `json:"Error"`
		RequestID string `json:"RequestId"`
	} `json:"Response"`
}

// checkResponse turns a SendSms response body into nil or an error. A
// successful HTTP call may still have refused the number: each number has
// its own status in SendStatusSet.
func (t *Tencent) checkResponse(body []byte, phone, code string) error {
	var parsed sendSmsResponse
	if err := json.Unmarshal(body, &parsed); err != nil {
		return &unavailableError{
			msg:   "sms: tencent SendSms to " + maskPhone(phone) + ": unreadable response: " + t.redact(err.Error(), phone, code),
			cause: err,
		}
	}
	resp := parsed.Response
	// The SDK normally catches Error itself; this guards against it not doing so.
	if resp.Error != nil && resp.Error.Code != "" {
		return &ProviderError{
			Provider:  "tencent",
			Code:      resp.Error.Code,
			Message:   t.redact(resp.Error.Message, phone, code),
			RequestID: resp.RequestID,
		}
	}
	if len(resp.SendStatusSet) == 0 {
		return &unavailableError{
			msg: "sms: tencent SendSms to " + maskPhone(phone) + ": response has no SendStatusSet (request " + resp.RequestID + ")",
		}
	}
	status := resp.SendStatusSet[0]
	if status.Code != tencentStatusOK {
		return &ProviderError{
			Provider:  "tencent",
			Code:      status.Code,
			Message:   t.redact(status.Message, phone, code),
			RequestID: resp.RequestID,
		}
	}
	return nil
}

// redact removes the secret key and the code from text bound for an error,
// and masks the phone number.
func (t *Tencent) redact(text, phone, code string) string {
	text = redact(text, t.cfg.SecretKey, code)
	return strings.ReplaceAll(text, phone, maskPhone(phone))
}
