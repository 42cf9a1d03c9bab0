//! The chat from the browser: the reader's rooms and their unread count.
//! The conversation itself runs over `ws/chat/<room>/`.

use domain::chat::ChatRoom;
use leptos::prelude::*;

use crate::error::UiError;

/// The reader's rooms, latest activity first.
#[server]
pub async fn chat_rooms() -> Result<Vec<ChatRoom>, UiError> {
    use crate::session::{read_once, require_principal, services};
    let me = require_principal()?;
    let chat = services()?.chat.clone();
    read_once("chat/rooms".to_owned(), async move {
        Ok(chat.rooms(&me).await?)
    })
    .await
}

/// Messages the reader has not read, over their rooms (the navigation's
/// badge); 0 for administrators.
#[server]
pub async fn chat_unread() -> Result<i64, UiError> {
    use crate::session::{read_once, require_principal, services};
    let me = require_principal()?;
    let chat = services()?.chat.clone();
    read_once("chat/unread".to_owned(), async move {
        Ok(chat.unread(&me).await?)
    })
    .await
}
